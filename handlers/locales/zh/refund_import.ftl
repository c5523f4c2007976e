# python -m bot refund-status FILE:支付渠道的退款对账文件(docs/refund-status.md)。
refund-import-bad-row = 第 {$line} 行:{$reason}
refund-import-skipped-row = 第 {$line} 行:已跳过:{$reason}
refund-import-more-bad = ……另有 {$more} 行出错未列出;请先修正上面各行,再导入一次即可看到其余的。
refund-import-more-skipped = ……另有 {$more} 行已跳过,未列出。
refund-import-progress = 已处理 {$done}/{$total} 行({$percent}%)
refund-import-summary = 退款状态导入完成({$file}):共 {$total} 行,已更新 {$changed},无变化 {$unchanged},已跳过 {$skipped},出错 {$bad}。
refund-import-file-missing = 找不到文件 {$path}。请给出支付渠道退款对账文件(JSON Lines)的路径,例如 python -m bot refund-status refunds-2026-11-27.jsonl。
refund-import-file-is-dir = {$path} 是文件夹,不是文件。请给出对账文件本身的路径。
refund-import-file-unreadable = 无法读取文件 {$path}:{$problem}。请检查运行该命令的用户对文件的读取权限。
refund-import-file-binary = {$path} 不是 JSON Lines 文本文件(是表格文件吗?)。请把退款记录导出为 JSON Lines,每行一个 JSON 对象;格式见 docs/refund-status.md。
# 本系统中退款的状态名称(用于“已跳过”的说明)。
refund-import-status-requested = 待退款(尚未提交)
refund-import-status-processing = 退款中(已提交)
refund-import-status-succeeded = 退款成功
refund-import-status-failed = 退款失败
# 某行出错的原因(显示在“第 N 行:”之后);字段名为对账文件中的名称。
refund-import-reason-bad-encoding = 该行不是 UTF-8 文本;请用 UTF-8 编码保存对账文件。
refund-import-reason-bad-json = 不是有效的 JSON(错误位于第 {$column} 列附近);每行必须是一个完整的 JSON 对象。
refund-import-reason-not-object = 该行是 JSON 但不是对象;每行应是一笔退款,如 {"{"}"order_no": ..., "status": ...{"}"}。
refund-import-reason-duplicate-key = 字段 {$field} 在该行出现了两次。
refund-import-reason-unknown-field = 未知字段 {$field}(拼写错误?);可用字段为 refund_id、provider_ref、order_no、status、amount_fen、reason、at(见 docs/refund-status.md)。
refund-import-reason-missing-status = 缺少 status;请填写 submitted、succeeded 或 failed。
refund-import-reason-no-identifier = 该行没有指明是哪笔退款;请填写 order_no、provider_ref 或 refund_id。
refund-import-reason-expected-text = {$field} 必须是文本(加引号)。
refund-import-reason-expected-integer = {$field} 为 {$value};必须是整数,不加引号。
refund-import-reason-expected-fen = {$field} 为 {$value};必须是整数(amount_fen 以分为单位:¥6.00 即 600)。
refund-import-reason-bad-refund-id = refund_id 为 {$value};不是有效的退款编号(应为 1 到 2147483647 之间的整数)。
refund-import-reason-text-too-long = {$field} 超过 {$max} 个字符。
refund-import-reason-negative-amount = amount_fen 为 {$value};退款金额不能为负数。
refund-import-reason-unknown-status = status「{$value}」不在可选值中:{$choices}。
refund-import-reason-bad-time = at「{$value}」不是日期时间;请写成 2026-11-27T10:15:00+08:00 这样的格式。
refund-import-reason-time-naive = at「{$value}」没有时区偏移;请加上,例如 2026-11-27T10:15:00+08:00。
refund-import-reason-needs-reason = 退款失败必须填写原因(会告知顾客);请按支付渠道的记录填写 reason。
refund-import-reason-not-found = 找不到 {$by} 为 {$value} 的退款;请确认对账文件属于本店,且该订单已在机器人中取消。
refund-import-reason-ids-disagree = 按 {$by} 找到的退款属于订单 {$order_no},但该行的 order_no 为 {$given};请改正有误的一项。
refund-import-reason-ref-disagrees = 订单 {$order_no} 的退款提交时的 provider_ref 为 {$recorded},但该行为 {$given};请核实该行对应哪笔退款。
refund-import-reason-attempt-unknown = 订单 {$order_no} 的退款已重新发起(现为第 {$attempt} 次),该行既没有 provider_ref 也没有 at,无法判断说的是不是之前那次退款;请按支付渠道的记录补上 provider_ref 或 at。
refund-import-reason-amount-mismatch = 订单 {$order_no} 的退款金额为 {$expected_yuan}({$expected} 分),但该行为 {$given_yuan}({$given} 分);未做任何更改。请核对对账文件。
refund-import-reason-not-manual = 订单 {$order_no} 已即时退回店铺余额,支付渠道不会有它的记录。请删除该行。
refund-import-reason-database = 数据库拒绝了该行({$problem})。
# 某行有效但未做更改的原因。
refund-import-skip-not-allowed = 订单 {$order_no} 的退款已是「{$current_name}」({$current}),“{$status}”的记录不会再改变它。
refund-import-skip-earlier-attempt = 该行的时间早于订单 {$order_no} 的退款重新发起(第 {$attempt} 次);它说的是之前那次退款。
refund-import-skip-earlier-reference = 该行说的是退款 {$refund}(订单 {$order_no})之前的第 {$was} 次:provider_ref {$provider_ref} 属于那一次,此后该退款已重新发起(现为第 {$attempt} 次)。

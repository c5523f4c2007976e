## The staff group: manual refund cards, their buttons, /refund, failure alerts and follow-ups.

staff-refund-card-title-requested = 💸 请退款:订单 {$order_no} · {$amount} · 原路退回{$channel}
staff-refund-card-title-processing = ⏳ 退款处理中:订单 {$order_no} · {$amount} · 原路退回{$channel}
staff-refund-card-title-succeeded = ✅ 退款已到账:订单 {$order_no} · {$amount} · 原路退回{$channel}
staff-refund-card-title-failed = ❌ 退款失败:订单 {$order_no} · {$amount} · 原路退回{$channel}
staff-refund-card-number = 🔖 退款 #{$id} · {$status} · 第 {$attempt} 次
staff-refund-status-requested = 待提交
staff-refund-status-processing = 已提交,处理中
staff-refund-status-succeeded = 已到账
staff-refund-status-failed = 失败
staff-refund-card-customer = 👤 客户:{$name}
staff-refund-card-expected = 📅 预计 {$earliest} 至 {$latest} 到账
staff-refund-card-reason = ❗ 失败原因:{$reason}
staff-refund-card-shopper-not-yet = 🙋 顾客 {$time} 反馈尚未到账
staff-refund-card-shopper-arrived = 🙆 顾客 {$time} 确认已到账
staff-refund-card-timeline = 🕘 进度:
staff-refund-line-created = · {$time} 申请退款
staff-refund-line-event = · {$time} {$action} · {$who}
staff-refund-line-event-note = · {$time} {$action}({$note})· {$who}
staff-refund-action-submit = 已提交
staff-refund-action-succeed = 已到账
staff-refund-action-fail = 失败
staff-refund-action-reinitiate = 重新发起

staff-refund-btn-submit = 📤 已提交
staff-refund-btn-succeed = ✅ 已到账
staff-refund-btn-fail = ❌ 失败
staff-refund-btn-reinitiate = 🔁 重新发起
staff-refund-btn-back = ⬅ 返回
staff-refund-reason-account = 账户异常
staff-refund-reason-rejected = 原路退回被拒
staff-refund-reason-card_closed = 银行卡已注销

staff-refund-failed-alert = ❌ 退款 #{$id}(订单 {$order_no} · {$amount} · {$channel})失败:{$reason}
staff-refund-failed-next = 下一步:顾客已收到失败通知。请在{$channel}后台核实原因,处理好后点「重新发起」,重新退款后再点「已提交」。
staff-refund-followup-not-yet = 🙋 顾客反馈退款 #{$id}(订单 {$order_no} · {$amount} · {$channel})还没有到账。预计 {$latest} 前到账,当前:{$status}。
staff-refund-followup-due = ⏰ 退款 #{$id}(订单 {$order_no} · {$amount} · {$channel})已到预计到账日 {$latest},当前:{$status}。
staff-refund-followup-asked = 🙋 顾客反馈退款 #{$id}(订单 {$order_no} · {$amount} · {$channel})的账单显示“退款失败”,请求重新发起。当前:{$status}。
staff-refund-followup-submit = 这笔退款还没有提交。请尽快在{$channel}后台发起退款,然后点「已提交」。
staff-refund-followup-check = 请在{$channel}后台核实:显示“退款中”请等待;已到账请点「已到账」;显示“退款失败”请点「失败」并填写原因。
staff-refund-followup-reinitiate = 🙋 顾客请求重新发起退款 #{$id}(订单 {$order_no} · {$amount} · {$channel})。失败原因:{$reason}
staff-refund-followup-reinitiate-next = 核实后请点「重新发起」。

staff-refund-done-submit = ✅ 已标记退款 #{$id}:已提交
staff-refund-done-succeed = ✅ 已标记退款 #{$id}:已到账
staff-refund-done-fail = ✅ 已标记退款 #{$id}:失败,原因已告知顾客
staff-refund-done-reinitiate = ✅ 已标记退款 #{$id}:重新发起(第 {$attempt} 次)
staff-refund-already = 退款 #{$id} 已由 {$who} 于 {$time} 标记为「{$action}」。
staff-refund-not-allowed = 退款 #{$id} 当前状态为「{$status}」,不能标记为「{$action}」。
staff-refund-not-found = 找不到这笔退款。
staff-refund-needs-reason = 标记失败需要写明原因(会告知顾客),例如:/refund {$id} failed 账户异常
staff-refund-not-manual = 退款 #{$id} 退回顾客余额,已即时到账,无需处理。
staff-refund-not-staff = ⛔ 只有本店客服可以处理退款。
staff-refund-usage = 用法:/refund 退款号或订单号 [submitted | succeeded | failed 原因 | reinitiate],也可写 已提交 / 已到账 / 失败 / 重新发起。例如:/refund 12 failed 账户异常
staff-refund-ask-reason = {$name},请直接回复本消息,输入退款 #{$id} 失败的原因(会告知顾客,最多 200 字);也可在卡片上选择常见原因。
staff-refund-toast-pick-reason = 请选择常见原因,或回复提示消息输入原因
staff-refund-reason-invalid = 原因不能为空,且不能超过 200 字。请重新回复。
staff-refund-reason-done = ❌ 退款 #{$id} 已标记为失败,原因已告知顾客。

## Words staff may type after /refund N (space-separated; English words work in every language).
staff-refund-verbs-submit = 已提交 提交
staff-refund-verbs-succeed = 已到账 到账 成功
staff-refund-verbs-fail = 失败
staff-refund-verbs-reinitiate = 重新发起
staff-refund-actor-wallet = 店铺余额(自动)
staff-refund-actor-import = 对账文件 {$file}
staff-refund-actor-shopper = 顾客

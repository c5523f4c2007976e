## The staff group: ticket cards, decisions, /queue, /ticket, /order, and notices.

staff-card-title = 🆕 工单 #{$id} · {$kind}
staff-kind-cancel = 申请取消
staff-kind-activation_check = 卡密激活核查
staff-card-deadline = ⏰ 截止:{$deadline} · {$left}
staff-left-hours = 剩余约 {$hours} 个工作小时
staff-left-overdue = ⚠ 已超时 {$hours} 个工作小时
staff-card-customer = 👤 客户:{$name} · 订单 {$orders} 笔 · 已取消 {$cancelled} 笔 · 工单 {$tickets} 个
staff-card-order = 🧾 订单 {$order_no} · {$product}({$kind})× {$quantity}
staff-card-paid = 💰 实付 {$amount} · {$channel}
staff-card-unpaid = 💰 应付 {$amount}(未支付)
staff-card-status = 📦 状态:{$status}
staff-card-key-true = 🔑 卡密:已激活
staff-card-key-false = 🔑 卡密:未激活
staff-card-key-unknown = 🔑 卡密:激活状态未知(请查询)
staff-card-reason = 📝 原因:{$reason}
staff-card-text = 💬 {$text}
staff-card-evidence = 🖼 凭证 {$count} 张(见回复)
staff-card-no-evidence = 🖼 无凭证
staff-reason-duplicate = 重复下单
staff-reason-wrong_info = 商品信息错误
staff-reason-payment_issue = 支付异常
staff-reason-unused_key = 未使用卡密
staff-reason-other = 其他

staff-outcome-approved = ✅ 已同意取消 · {$who} · {$time}
staff-outcome-rejected = ❌ 已拒绝({$reason})· {$who} · {$time}
staff-outcome-exchange_offered = 🔁 已转协商换货 · {$who} · {$time}
staff-outcome-withdrawn = ↩ 顾客已撤回申请 · {$time}
staff-reject-key_activated = 卡密已激活
staff-reject-already_shipped = 商品已发货
staff-reject-insufficient_evidence = 凭证不足
staff-reject-other = 其他

staff-btn-approve = ✅ 同意取消
staff-btn-reject = ❌ 拒绝
staff-btn-exchange = 🔁 协商换货
staff-btn-back = ⬅ 返回
staff-btn-reject-key_activated = 卡密已激活
staff-btn-reject-already_shipped = 商品已发货
staff-btn-reject-insufficient_evidence = 凭证不足
staff-btn-reject-other = 其他(输入原因)

staff-alert-not-staff = ⛔ 只有本店客服可以处理工单。
staff-alert-not-found = 找不到这个工单。
staff-alert-already = 该工单已由 {$who} 于 {$time} 处理:{$outcome}
staff-alert-withdrawn = 顾客已于 {$time} 撤回该申请,无需处理。
staff-alert-order-changed = 订单状态已变化(可能已被取消),无法同意。卡片已刷新。
staff-toast-done = 已处理:{$outcome}
staff-toast-pick-reason = 请选择拒绝原因
staff-ask-note = {$name},请直接回复本消息,输入拒绝工单 #{$id} 的原因(最多 500 字)。
staff-note-invalid = 原因不能为空,且不能超过 500 字。请重新回复。
staff-note-done = ❌ 工单 #{$id} 已拒绝,原因已发给顾客。

staff-withdrawn-notice = ↩ 顾客撤回了工单 #{$id}(订单 {$order_no}),无需处理。
staff-evidence-caption = 🖼 工单 #{$id} 的凭证

staff-queue-header = 📋 待处理工单 {$count} 个(按截止时间排序):
staff-queue-empty = ✅ 没有待处理的工单。
staff-queue-line = #{$id} · {$order_no} · {$kind} · 截止 {$deadline} · {$left}
staff-queue-button = #{$id} {$order_no} · {$left}
staff-ticket-usage = 用法:/ticket 工单号,例如 /ticket 12
staff-order-usage = 用法:/order 订单号,例如 /order KM202611260001
staff-order-not-found = 找不到订单 {$order_no}。
staff-order-open-ticket = 📝 有待处理的工单 #{$id}(/ticket {$id})
staff-order-timeline = 🕘 记录:
staff-order-no-timeline = 🕘 暂无记录。
staff-timeline-line = {$time} · {$action} · {$actor}
staff-only = ⛔ 这些命令只供客服使用。

decided-approved = ✅ 您对订单 {$order_no} 的取消申请已通过,订单已取消。
decided-refund = 💰 退款 {$amount} 将原路退回{$channel},预计 {$latest} 前到账。
decided-refund-done = 💰 {$amount} 已退回您的{$channel}。
decided-no-refund = 本单无需退款。
decided-rejected = ❌ 很抱歉,您对订单 {$order_no} 的取消申请未通过。
decided-reason = 原因:{$reason}
decided-reason-key_activated = 卡密已激活,无法取消。
decided-reason-already_shipped = 商品已发货,无法取消。
decided-reason-insufficient_evidence = 凭证不足,无法核实。
decided-exchange = 🔁 关于订单 {$order_no} 的申请:客服将联系您,协商更换其他商品。
decided-footer = 如有疑问,请发送 /help 联系客服。

config-staff-pace = 应为 1 到 20 之间的整数(Telegram 限制每个群约每分钟 20 条),例如 STAFF_MESSAGES_PER_MINUTE=18。
config-outbox-wake = 应为 1 到 300 之间的整数(秒),例如 OUTBOX_WAKE_SECONDS=5。
config-global-pace = 应为 1 到 30 之间的整数(Telegram 限制机器人每秒约 30 条),例如 GLOBAL_MESSAGES_PER_SECOND=25。
config-chat-pace = 应为 0(不限速)或 0.2 到 5 之间的数(Telegram 限制每个聊天约每秒 1 条),例如 CHAT_MESSAGES_PER_SECOND=1。
config-throttle-burst = 应为 1 到 100 之间的整数,例如 THROTTLE_BURST=5。
config-throttle-rate = 应为 0(不限流)或 0.1 到 30 之间的数(每人每秒可发的消息或点击),例如 THROTTLE_PER_SECOND=1。
staff-dead-letter = ☠️ 有 {$count} 条通知发送失败(Telegram 拒收,或连续一天多未能送出),已停止重试。最早一条:#{$id}({$kind}),最后的错误:{$error}。问题解决后,运行 python -m bot outbox 查看,python -m bot outbox --requeue-all 全部重新发送。
staff-shop-silent = ⚠️ 商城订单系统自 {$since} 起没有回应订单 {$order_no} 的取消请求(#{$id})。机器人会继续用同一请求重试;请检查商城接口是否可用。
staff-toast-awaiting-shop = 已请商城取消工单 #{$id} 的订单;商城确认后工单自动通过,并通知顾客。
staff-shop-refused = ⚠️ 商城没有同意取消工单 #{$id} 的订单 {$order_no}:商城显示该订单「{$status}」。未做任何退款,工单仍待处理,请重新判断。
staff-button-elsewhere = 这是客服群里的按钮,只能在客服群中使用。

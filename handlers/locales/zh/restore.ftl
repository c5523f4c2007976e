## Restoring a mistaken cancel (the article's FAQ 3), and asking staff to restore one.

card-restore = ↩ 恢复订单
card-restore-ask-staff = 📝 申请客服恢复订单
restore-line-open = ↩ 误操作取消了?{$until} 前可以自己恢复订单。
restore-line-not_by_shopper = ↩ 这笔订单由客服或商城取消,不能自己恢复;如需恢复,可以申请客服处理。
restore-line-delivered = ↩ 商品已发出,订单不能自己恢复;如有疑问,可以申请客服处理。
restore-line-refund_sent = ↩ 退款已提交到{$channel},不能自己恢复;如需恢复,可以申请客服人工处理。
restore-line-window_passed = ↩ 取消已超过 {$minutes} 分钟,不能自己恢复;如需恢复,可以申请客服处理。
restore-line-coupon_used = ↩ 退回的优惠券「{$title}」已用在其他订单上,恢复会重复计算优惠,需要客服处理。
restore-line-awaiting_shop = ⏳ 正在向商城确认恢复订单…确认后会立即通知您,期间无需重复操作。

restore-confirm-title = ❓ 确认恢复订单 {$order_no}?
restore-confirm-status = 📦 订单将恢复为「{$status}」,按原订单继续处理。
restore-confirm-refund = 💰 已申请的退款 {$amount}(原路退回{$channel})将撤回,不再退款。
restore-confirm-balance = 💰 已退回您余额的 {$amount} 将从余额中扣回。
restore-confirm-no-refund = 💰 这笔订单没有需要撤回的退款。
restore-confirm-coupon-taken = 🎟 优惠券「{$title}」将重新用于这笔订单(从您的账户中扣回)。
restore-confirm-coupon-expired = 🎟 优惠券「{$title}」已过期:恢复后它仍留在这笔订单上,订单价格不变。过期券本来也不能再用,您不会有损失。
restore-confirm-coupon-kept = 🎟 优惠券「{$title}」仍用于这笔订单,不变。
restore-confirm-until = ⏱ 请在 {$until} 前确认。
restore-confirm-shop = 🏬 恢复需要商城确认;确认前退款暂停,不会重复扣款或退款。
restore-yes = ✅ 确认恢复
restore-no = ↩ 不恢复
restore-kept = 好的,订单 {$order_no} 保持已取消。
restore-changed = ℹ️ 订单 {$order_no} 的情况刚刚有变化,请看更新后的内容再确认:

restore-done = ✅ 订单 {$order_no} 已恢复为「{$status}」。
restore-done-refund = 💰 退款 {$amount} 已撤回,不会再退款。
restore-done-balance = 💰 {$amount} 已从您的余额中扣回。
restore-done-coupon-taken = 🎟 优惠券「{$title}」已重新用于这笔订单。
restore-done-coupon-expired = 🎟 已过期的优惠券「{$title}」仍留在这笔订单上。
restore-already = ℹ️ 订单 {$order_no} 没有取消,无需恢复(当前状态「{$status}」)。
restore-already-toast = 已经恢复好了,不用再按。
restore-too-late = ⚠️ 来晚了一步:订单 {$order_no} 的退款刚刚已提交到{$channel},不能自己恢复了。如需恢复,请申请客服处理。
restore-blocked = ℹ️ 订单 {$order_no} 现在不能自己恢复。
restore-asked-shop = ⏳ 已请商城恢复订单 {$order_no},确认后会立即通知您。期间退款暂停,不会重复扣款或退款。
restore-shop-confirmed = ✅ 商城已确认:订单 {$order_no} 已恢复为「{$status}」,退款已撤回。
restore-shop-refused = ℹ️ 商城没有同意恢复订单 {$order_no}(商城显示该订单「{$status}」)。订单保持已取消,退款照常进行;如有疑问,可以申请客服处理。
restore-delayed = ⏳ 商城暂时还没有确认订单 {$order_no} 的恢复。我们会继续确认,结果出来会第一时间通知您;在此期间退款暂停,不会重复扣款或退款。
restore-usage = 发送 /restore 订单号 恢复误取消的订单,例如:/restore KM202611260001。也可以在已取消订单的详情里点「↩ 恢复订单」。

apply-intro-restore = 📝 申请恢复订单 {$order_no}:提交后客服将在 1–2 个工作日内(最晚 {$deadline})审核;仍可恢复的,客服会为您恢复。
apply-ask-reason-restore = 第 1 步 / 共 3 步:请选择原因,或直接输入情况说明(最多 {$limit} 字)。
apply-ask-text-restore = ✍️ 请用文字说明情况(最多 {$limit} 字)。
apply-reason-mistaken = 误操作取消

staff-kind-restore = 申请恢复订单
staff-reason-mistaken = 误操作取消
staff-outcome-approved-restore = ✅ 已恢复订单 · {$who} · {$time}
staff-btn-approve-restore = ✅ 同意恢复
staff-reject-refund_sent = 退款已退出
staff-btn-reject-refund_sent = 退款已退出
staff-card-restore-plan = ↩ 同意后:订单恢复为「{$status}」。
staff-card-restore-refund = ↩ 同意后:订单恢复为「{$status}」,退款 {$amount} 撤回。
staff-card-restore-coupon-elsewhere = ⚠️ 退回的优惠券「{$title}」已用在其他订单上:同意即让本单保留原优惠 {$discount},由本店承担。
staff-restore-by-hand-refund_sent = ⚠️ 不能自动恢复订单 {$order_no}:退款已提交({$refund})。钱已在退回途中,请在支付平台核实能否撤回;不能撤回的,请拒绝并说明,请顾客重新下单。
staff-restore-by-hand-delivered = ⚠️ 不能自动恢复订单 {$order_no}:订单显示已发货。请先核实发货情况,再在商城系统里手工处理或拒绝。
staff-restore-by-hand-not_cancelled = ⚠️ 订单 {$order_no} 已不是取消状态(当前「{$status}」),无需恢复,可以拒绝并说明。
staff-restore-by-hand-awaiting_shop = ⏳ 订单 {$order_no} 正在等商城确认恢复,请稍后再看。
staff-toast-awaiting-shop-restore = 已请商城恢复工单 #{$id} 的订单;商城确认后工单自动通过,并通知顾客。
staff-shop-silent-restore = ⚠️ 商城订单系统自 {$since} 起没有回应订单 {$order_no} 的恢复请求(#{$id})。机器人会继续用同一请求重试(期间退款暂停);请检查商城接口是否可用。
staff-shop-refused-restore = ⚠️ 商城没有同意恢复工单 #{$id} 的订单 {$order_no}:商城显示该订单「{$status}」。订单保持已取消,退款已重新申请;工单仍待处理,请重新判断。
decided-restored = ✅ 您对订单 {$order_no} 的恢复申请已通过,订单已恢复为「{$status}」,退款已撤回。
decided-rejected-restore = ❌ 很抱歉,您对订单 {$order_no} 的恢复申请未通过。
decided-reason-refund_sent = 退款已原路退出,订单无法恢复;如仍需要,请重新下单。

staff-refund-card-title-voided = ↩ 退款已撤回,无需退款:订单 {$order_no} · {$amount} · {$channel}(顾客已恢复订单)
staff-refund-status-voided = 已撤回(订单已恢复)
staff-refund-action-void = 撤回(订单已恢复)
staff-refund-action-reopen = 订单再次取消,重新申请
staff-refund-voided = ↩ 退款 #{$id} 已撤回:订单 {$order_no} 已恢复,无需退款。请不要在支付平台退款。
refund-import-skip-voided = 订单 {$order_no} 已恢复,退款已撤回(无需退款),该行未做更改。如果支付平台确实已经退款,请核实并人工处理。
refund-line-voided = 💰 退款 {$amount} 已撤回:订单已恢复,无需退款。
refund-step-voided = ↩ 订单已恢复,退款撤回 · {$at}
refund-step-reopened = 🔁 订单再次取消,重新申请退款 · {$at}

staff-action-order-restored = 订单已恢复
staff-action-order-restore_requested = 已请商城恢复订单
staff-action-order-restore_refused = 商城未同意恢复
staff-action-refund-void = 退款撤回
staff-action-refund-reopen = 退款重新申请
refund-import-status-voided = 已撤回(订单已恢复)
staff-alert-order-changed-restore = ⚠️ 商城没有同意恢复这个订单(或订单状态已变化),工单仍待处理。卡片已刷新。
config-restore-window = 必须在 0 到 1440 分钟之间(0 表示不允许顾客自己恢复),例如 RESTORE_WINDOW_MINUTES=30。

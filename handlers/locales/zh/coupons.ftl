## Coupons (the article's FAQ 4): each coupon's rule and expiry, staff returning one by hand,
## and the shopper's request about a coupon that did not come back.

coupon-rule-returnable = 此券规则:取消可退
coupon-rule-kept = 此券规则:取消不退
coupon-expiry-until = 有效期至 {$date}
coupon-expiry-none = 长期有效
coupon-expiry-ended = 已于 {$date} 过期
coupon-expiry-gone = 已过期
coupon-will-return = 🎟 优惠券「{$title}」将退回您的账户({$rule};{$expiry})。
coupon-returned-now = 🎟 优惠券「{$title}」已退回您的账户({$rule};{$expiry})。
coupon-kept-by-rule = 🎟 优惠券「{$title}」按规则不退回({$rule};{$expiry})。
coupon-expired-not-back = 🎟 优惠券「{$title}」已过期,取消后不再退回({$rule};{$expiry})。

card-coupon-ask-staff = 🎟 优惠券没退回?请客服处理
apply-intro-coupon = 🎟 申请退回订单 {$order_no} 的优惠券:提交后客服将在 1–2 个工作日内(最晚 {$deadline})处理,结果会在这里通知您。
apply-ask-reason-coupon = 第 1 步 / 共 3 步:请选择原因,或直接说明情况(最多 {$limit} 字)。
apply-ask-text-coupon = ✍️ 请用文字说明优惠券的情况(最多 {$limit} 字)。
apply-reason-coupon_missing = 优惠券未退回
coupon-request-usage = 发送 /coupon 订单号 申请客服退回已取消订单的优惠券,例如:/coupon KM202611260001。
coupon-request-not-kept = ℹ️ 订单 {$order_no} 没有需要客服退回的优惠券(订单没有取消、没有用券,或优惠券已经退回)。
push-coupon-returned = 🎟 客服已把订单 {$order_no} 的优惠券「{$title}」退回您的账户({$expiry})。

staff-kind-coupon = 优惠券未退回
staff-reason-coupon_missing = 优惠券未退回
staff-outcome-approved-coupon = ✅ 已退回优惠券 · {$who} · {$time}
staff-btn-approve-coupon = ✅ 退回优惠券
staff-reject-coupon_rule = 按券规则不退回
staff-btn-reject-coupon_rule = 按券规则不退回
staff-btn-return-coupon = 🎟 退回优惠券「{$title}」
staff-coupon-usage = 用法:/coupon 订单号 return(或 退回):把已取消订单占用的优惠券退回顾客账户。例如:/coupon KM202611260001 return
staff-coupon-verbs = 退回 退还 返还
staff-coupon-not_found = 找不到订单 {$order_no}。
staff-coupon-returned = 🎟 已把订单 {$order_no} 的优惠券「{$title}」退回顾客账户({$expiry}),顾客已收到通知。
staff-coupon-not_spent = 订单 {$order_no} 的优惠券「{$title}」没有被占用(已经退回或尚未使用),无需退回。
staff-coupon-not_cancelled = 订单 {$order_no} 没有取消(当前「{$status}」),优惠券仍用于这笔订单,不能退回。
staff-coupon-no_coupon = 订单 {$order_no} 没有使用优惠券。
staff-coupon-not_staff = ⛔ 只有本店客服可以退回优惠券。
staff-action-coupon-returned_by_staff = 客服退回优惠券
decided-coupon = ✅ 您对订单 {$order_no} 的优惠券申请已通过:优惠券「{$title}」已退回您的账户。
decided-rejected-coupon = ❌ 很抱歉,您对订单 {$order_no} 的优惠券申请未通过。
decided-reason-coupon_rule = 按这张优惠券的规则,取消订单后不退回。

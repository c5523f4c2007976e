## Coupons (the article's FAQ 4): each coupon's rule and expiry, staff returning one by hand,
## and the shopper's request about a coupon that did not come back.

coupon-rule-returnable = rule: returned on cancel
coupon-rule-kept = rule: kept on cancel
coupon-expiry-until = valid until {$date}
coupon-expiry-none = no expiry
coupon-expiry-ended = expired on {$date}
coupon-expiry-gone = expired
coupon-will-return = 🎟 The coupon “{$title}” will be returned to your account ({$rule}; {$expiry}).
coupon-returned-now = 🎟 The coupon “{$title}” is back in your account ({$rule}; {$expiry}).
coupon-kept-by-rule = 🎟 The coupon “{$title}” is not returned, by its rules ({$rule}; {$expiry}).
coupon-expired-not-back = 🎟 The coupon “{$title}” has expired, so it will not be returned ({$rule}; {$expiry}).

card-coupon-ask-staff = 🎟 Coupon not returned? Ask staff
apply-intro-coupon = 🎟 Ask staff to return the coupon of order {$order_no}: staff handle it within 1–2 working days (by {$deadline}); you will hear the outcome here.
apply-ask-reason-coupon = Step 1 of 3: pick a reason, or tell us what happened (up to {$limit} characters).
apply-ask-text-coupon = ✍️ Please tell us about the coupon (up to {$limit} characters).
apply-reason-coupon_missing = Coupon not returned
coupon-request-usage = Send /coupon ORDER_NO to ask staff to return the coupon of a cancelled order, e.g. /coupon KM202611260001.
coupon-request-not-kept = ℹ️ Order {$order_no} has no coupon for staff to return (it is not cancelled, used no coupon, or its coupon is back already).
push-coupon-returned = 🎟 Customer service returned the coupon “{$title}” of order {$order_no} to your account ({$expiry}).

staff-kind-coupon = coupon not returned
staff-reason-coupon_missing = coupon not returned
staff-outcome-approved-coupon = ✅ Coupon returned · {$who} · {$time}
staff-btn-approve-coupon = ✅ Return the coupon
staff-reject-coupon_rule = not returned by the coupon's rule
staff-btn-reject-coupon_rule = By the coupon's rule
staff-btn-return-coupon = 🎟 Return coupon “{$title}”
staff-coupon-usage = Usage: /coupon ORDER_NO return — gives the coupon a cancelled order still holds back to the customer. E.g. /coupon KM202611260001 return
staff-coupon-verbs = give-back
staff-coupon-not_found = No order {$order_no}.
staff-coupon-returned = 🎟 Returned the coupon “{$title}” of order {$order_no} to the customer ({$expiry}); the customer was told.
staff-coupon-not_spent = The coupon “{$title}” of order {$order_no} is not held (returned already, or never used); nothing to return.
staff-coupon-not_cancelled = Order {$order_no} is not cancelled (“{$status}”): its coupon is still in use on it and cannot be returned.
staff-coupon-no_coupon = Order {$order_no} used no coupon.
staff-coupon-not_staff = ⛔ Only the shop's customer-service staff can return coupons.
staff-action-coupon-returned_by_staff = coupon returned by staff
decided-coupon = ✅ Your request about the coupon of order {$order_no} was approved: the coupon “{$title}” is back in your account.
decided-rejected-coupon = ❌ Sorry, your request about the coupon of order {$order_no} was not approved.
decided-reason-coupon_rule = by this coupon's rules it is not returned when the order is cancelled.

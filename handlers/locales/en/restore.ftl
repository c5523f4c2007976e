## Restoring a mistaken cancel (the article's FAQ 3), and asking staff to restore one.

card-restore = ↩ Restore order
card-restore-ask-staff = 📝 Ask staff to restore it
restore-line-open = ↩ Cancelled by mistake? You can restore the order yourself until {$until}.
restore-line-not_by_shopper = ↩ Staff or the shop cancelled this order, so you cannot restore it yourself; you can ask staff to.
restore-line-delivered = ↩ The goods have gone out, so you cannot restore the order yourself; you can ask staff about it.
restore-line-refund_sent = ↩ The refund has been submitted to {$channel}, so you cannot restore it yourself; you can ask staff to restore it by hand.
restore-line-window_passed = ↩ It was cancelled more than {$minutes} minutes ago, so you cannot restore it yourself; you can ask staff to.
restore-line-coupon_used = ↩ The coupon “{$title}” that came back has been used on another order; restoring would count its discount twice, so staff must handle it.
restore-line-awaiting_shop = ⏳ Asking the shop to restore the order… You will hear as soon as it confirms; no need to press again.

restore-confirm-title = ❓ Restore order {$order_no}?
restore-confirm-status = 📦 The order goes back to “{$status}” and carries on as before.
restore-confirm-refund = 💰 The refund of {$amount} (back to {$channel}) is withdrawn; nothing will be refunded.
restore-confirm-balance = 💰 The {$amount} credited to your balance is taken back.
restore-confirm-no-refund = 💰 There is no refund to withdraw for this order.
restore-confirm-coupon-taken = 🎟 The coupon “{$title}” is used on this order again (taken from your account).
restore-confirm-coupon-expired = 🎟 The coupon “{$title}” has expired: it stays on this order, at the same price. An expired coupon could not be used again anyway, so you lose nothing.
restore-confirm-coupon-kept = 🎟 The coupon “{$title}” stays on this order, unchanged.
restore-confirm-until = ⏱ Please confirm by {$until}.
restore-confirm-shop = 🏬 The shop confirms the restore; until it does, the refund is on hold — nothing is charged or refunded twice.
restore-yes = ✅ Restore it
restore-no = ↩ Keep it cancelled
restore-kept = OK, order {$order_no} stays cancelled.
restore-changed = ℹ️ Something about order {$order_no} has just changed; please read it again before confirming:

restore-done = ✅ Order {$order_no} is restored to “{$status}”.
restore-done-refund = 💰 The refund of {$amount} is withdrawn; nothing will be refunded.
restore-done-balance = 💰 {$amount} was taken back from your balance.
restore-done-coupon-taken = 🎟 The coupon “{$title}” is used on this order again.
restore-done-coupon-expired = 🎟 The expired coupon “{$title}” stays on this order.
restore-already = ℹ️ Order {$order_no} is not cancelled, so there is nothing to restore (status: “{$status}”).
restore-already-toast = Already restored; no need to press again.
restore-too-late = ⚠️ Just too late: the refund for order {$order_no} was submitted to {$channel} a moment ago, so you cannot restore it yourself any more. Please ask staff to restore it.
restore-blocked = ℹ️ You cannot restore order {$order_no} yourself now.
restore-asked-shop = ⏳ Asked the shop to restore order {$order_no}; you will hear as soon as it confirms. Until then the refund is on hold — nothing is charged or refunded twice.
restore-shop-confirmed = ✅ The shop confirmed: order {$order_no} is restored to “{$status}” and the refund withdrawn.
restore-shop-refused = ℹ️ The shop did not restore order {$order_no} (it shows it as “{$status}”). The order stays cancelled and the refund goes ahead; you can ask staff if you have questions.
restore-delayed = ⏳ The shop has not confirmed restoring order {$order_no} yet. We keep asking and will tell you as soon as it answers; meanwhile the refund is on hold — nothing is charged or refunded twice.
restore-usage = Send /restore ORDER_NO to restore an order cancelled by mistake, e.g. /restore KM202611260001. You can also press “↩ Restore order” on a cancelled order.

apply-intro-restore = 📝 Ask staff to restore order {$order_no}: staff review it within 1–2 working days (by {$deadline}) and restore it if it still can be.
apply-ask-reason-restore = Step 1 of 3: pick a reason, or type what happened (up to {$limit} characters).
apply-ask-text-restore = ✍️ Please tell us what happened (up to {$limit} characters).
apply-reason-mistaken = Cancelled by mistake

staff-kind-restore = restore request
staff-reason-mistaken = cancelled by mistake
staff-outcome-approved-restore = ✅ Order restored · {$who} · {$time}
staff-btn-approve-restore = ✅ Restore it
staff-reject-refund_sent = refund already sent
staff-btn-reject-refund_sent = Refund already sent
staff-card-restore-plan = ↩ Approving restores the order to “{$status}”.
staff-card-restore-refund = ↩ Approving restores the order to “{$status}” and withdraws the refund of {$amount}.
staff-card-restore-coupon-elsewhere = ⚠️ The coupon “{$title}” that came back is used on another order now: approving lets this order keep its discount of {$discount} at the shop's cost.
staff-restore-by-hand-refund_sent = ⚠️ Order {$order_no} cannot be restored automatically: its refund was submitted ({$refund}). The money is on its way back; check with the provider whether it can be recalled. If it cannot, reject with a note and ask the customer to order again.
staff-restore-by-hand-delivered = ⚠️ Order {$order_no} cannot be restored automatically: it shows as delivered. Check the delivery first, then handle it in the shop's system by hand or reject.
staff-restore-by-hand-not_cancelled = ⚠️ Order {$order_no} is not cancelled any more (“{$status}”); nothing to restore — reject with a note.
staff-restore-by-hand-awaiting_shop = ⏳ The shop is still confirming the restore of order {$order_no}; please look again shortly.
staff-toast-awaiting-shop-restore = Asked the shop to restore the order of ticket #{$id}; once it confirms, the ticket is approved and the shopper told.
staff-shop-silent-restore = ⚠️ The shop's order system has not answered the restore request for order {$order_no} (#{$id}) since {$since}. The bot keeps retrying with the same request (the refund is on hold meanwhile); please check the shop's API.
staff-shop-refused-restore = ⚠️ The shop did not restore the order {$order_no} of ticket #{$id}: it shows it as “{$status}”. The order stays cancelled and its refund was requested again; the ticket is still open — please decide again.
decided-restored = ✅ Your request to restore order {$order_no} was approved: the order is back to “{$status}” and the refund withdrawn.
decided-rejected-restore = ❌ Sorry, your request to restore order {$order_no} was not approved.
decided-reason-refund_sent = the refund has already gone back by its route, so the order cannot be restored; please order again if you still need it.

staff-refund-card-title-voided = ↩ Refund withdrawn, nothing to refund: order {$order_no} · {$amount} · {$channel} (the order was restored)
staff-refund-status-voided = withdrawn (order restored)
staff-refund-action-void = withdrawn (order restored)
staff-refund-action-reopen = order cancelled again, requested again
staff-refund-voided = ↩ Refund #{$id} is withdrawn: order {$order_no} was restored, there is nothing to refund. Please do not refund it in the provider's console.
refund-import-skip-voided = Order {$order_no} was restored and its refund withdrawn (nothing to refund); this line changed nothing. If the provider did refund it, please check and handle it by hand.
refund-line-voided = 💰 The refund of {$amount} is withdrawn: the order was restored, nothing to refund.
refund-step-voided = ↩ Order restored, refund withdrawn · {$at}
refund-step-reopened = 🔁 Order cancelled again, refund requested again · {$at}

staff-action-order-restored = order restored
staff-action-order-restore_requested = restore asked of the shop
staff-action-order-restore_refused = the shop refused the restore
staff-action-refund-void = refund withdrawn
staff-action-refund-reopen = refund requested again
refund-import-status-voided = withdrawn (order restored)
staff-alert-order-changed-restore = ⚠️ The shop did not restore this order (or the order changed); the ticket is still open. The card was refreshed.
config-restore-window = must be between 0 and 1440 minutes (0: shoppers cannot restore alone), e.g. RESTORE_WINDOW_MINUTES=30.

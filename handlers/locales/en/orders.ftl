tab-all = All
tab-pending = Unpaid
tab-to_ship = To ship
tab-shipped = Shipped
tab-completed = Completed
tab-cancelled = Cancelled

list-header = 📋 My orders · {$tab} ({$total} in all, page {$page}/{$pages})
list-empty = 📋 My orders · {$tab}: no orders.
list-hint = Tap an order to see its details and whether it can be cancelled; send an order number or a product name to search.
list-prev = ◀ Previous
list-next = Next ▶
list-all-orders = 📋 All orders
list-button = {$icon} {$order_no} · {$product} · {$amount}
icon-cancel_now = ✅
icon-apply = 📝
icon-after_sales = ⛔
icon-nothing = ⛔

search-header = 🔍 Orders matching “{$query}”: {$total} (page {$page}/{$pages})
search-empty = 🔍 No order matches “{$query}”. Send the full order number, or tap below to see all orders.
search-nothing = 🔍 Send an order number (like KM202611200001) or part of a product name to find an order; /orders lists them all.
search-no-order = 🔍 No order {$order_no} found. Only orders on your own account can be found; please check the number.
search-expired = This search has expired; please send the order number or product name again.

card-title = 🧾 Order {$order_no}
card-product = Product: {$product} ({$kind}) × {$quantity}
card-unit-price = Unit price: {$price}
card-coupon = Coupon: {$title} (-{$discount})
card-discount = Discount: -{$discount}
card-paid = Paid: {$amount} · {$channel}
card-unpaid = To pay: {$amount} (not paid)
card-placed = Placed at: {$time}
card-paid-at = Paid at: {$time}
card-delivered-at = Delivered at: {$time}
card-cancelled-at = Cancelled at: {$time}
card-status = Status: {$status}
card-cancel = ❌ Cancel order
card-apply = 📝 Apply for cancel
card-after-sales = 🛠 After-sales / contact staff
card-back = ⬅ Back to orders

reason-pending_payment = ✅ Can be cancelled now: it is not paid yet, so cancelling costs nothing.
reason-paid_not_shipped = ✅ Can be cancelled now: it is paid but not shipped yet.
reason-instant_delivery_started = 📝 Cannot be cancelled directly: this item is delivered automatically and delivery has started. You can apply; staff decide within 1–2 working days.
reason-manual_delivery_started = 📝 Cannot be cancelled directly: a staff member is delivering it by hand. You can apply; staff cancel it once they confirm nothing was delivered (reviewed within 1–2 working days).
reason-card_key_not_activated = 📝 Cannot be cancelled directly: the card key was delivered. It has not been activated, so you can apply and staff will refund after checking.
reason-card_key_activation_unknown = 📝 Cannot be cancelled directly: the card key was delivered. If you have not used it, apply and staff will check its activation.
reason-card_key_activated = ⛔ Cannot be cancelled: the card key has been activated. Staff can discuss another solution with you, such as an exchange.
reason-virtual_delivered = ⛔ Cannot be cancelled: the goods have been delivered to your account. Contact staff if something is wrong.
reason-shipped_physical = ⛔ Cannot be cancelled: the parcel has been shipped. Once it arrives you can ask for a return and refund.
reason-physical_delivered = ⛔ Cannot be cancelled: the item was delivered. Ask for a return and refund if needed.
reason-completed = ⛔ This order is completed; there is nothing to cancel. Contact after-sales if something is wrong.
reason-already_cancelled = ⛔ This order is cancelled.
reason-awaiting_shop = ⏳ Confirming the cancellation with the shop… We will tell you as soon as it answers; no need to press again.

money-refund = 💰 If cancelled, {$amount} goes back to your {$channel}, expected between {$earliest} and {$latest} (working days).
money-refund-instant = 💰 If cancelled, {$amount} goes back to your {$channel} at once.
money-refund-if-approved = 💰 If approved, {$amount} goes back to your {$channel} by {$latest} at the latest.
money-none = 💰 This order is not paid, so there is nothing to refund.
money-zero = 💰 Nothing was paid for this order (¥0.00), so there is nothing to refund.
search-bad-number = 🔍 “{$text}” is not an order number (they are at most 64 letters, digits and dashes). Please check it.

refund-line-requested = 💰 Refund of {$amount} requested to your {$channel}, expected by {$latest}.
refund-line-processing = 💰 Refund of {$amount} to your {$channel} is in progress, expected by {$latest}.
refund-line-succeeded = 💰 {$amount} has been refunded to your {$channel}.
refund-line-failed = 💰 The refund of {$amount} to your {$channel} failed; staff will start it again.
refund-line-instant-requested = 💰 Refund of {$amount} requested to your {$channel}; it arrives at once.
refund-line-instant = 💰 {$amount} is back in your {$channel}.

confirm-title = ❓ Cancel order {$order_no}?
confirm-product = Product: {$product} × {$quantity}
confirm-yes = ✅ Yes, cancel it
confirm-no = ↩ Keep the order
confirm-kept = OK, order {$order_no} stays as it is.

cancel-done = ✅ Order {$order_no} is cancelled.
cancel-ask-reason = Would you tell us why? (optional)
shop-cancelled = ℹ️ The shop has cancelled your order {$order_no} ({$product}).
cancel-already = ℹ️ Order {$order_no} is already cancelled; nothing more to do.
cancel-already-toast = Already cancelled; no need to press again.
cancel-not-allowed = ℹ️ Order {$order_no} is now “{$status}” and can no longer be cancelled directly.
cancel-reason-duplicate = Ordered twice
cancel-reason-wrong_info = Wrong details
cancel-reason-changed_mind = Don't want it
cancel-reason-other = Other
cancel-reason-thanks = Thank you! Reason noted: {$reason}.

after-sales-negotiate = 🛠 Order {$order_no}: the goods were delivered and cannot be cancelled. Contact the shop's customer service; staff can discuss a solution such as an exchange.
after-sales-return = 🛠 Order {$order_no}: for a physical item, ask for a return and refund once it arrives. Contact customer service for the return address; the money goes back the way you paid once the return is received.
after-sales-contact = 🛠 Order {$order_no} is completed. Contact the shop's customer service for after-sales help.

press-not-yours = This order was not found on your account.
press-not-linked = Please link your account first: send /start to see how.
unlinked-hint = Your account is not linked yet, so I cannot look up orders. Press “📱 Link with my phone number” below to share the phone number you order with; send /start to see the other ways to link it.
cancel-usage = Send /cancel ORDER_NUMBER to cancel directly, e.g. /cancel KM202611260001, or pick one of your orders below:
wrong-chat = Please use this in a private chat with me.

refunds-empty = 💰 You have no refunds. After you cancel a paid order, its refund shows up here.
refunds-header = 💰 Your recent refunds ({$count}):
refunds-order = Order {$order_no}
cancel-shop-confirmed = ✅ The shop confirmed: order {$order_no} is cancelled.
cancel-shop-refused = ℹ️ Order {$order_no} could not be cancelled: the shop shows it as “{$status}”. If you still want to cancel, you can apply for a cancellation, reviewed by staff.
cancel-delayed = ⏳ The shop has not confirmed the cancellation of order {$order_no} yet. We keep asking and will tell you as soon as it answers; meanwhile nothing is charged or refunded twice.

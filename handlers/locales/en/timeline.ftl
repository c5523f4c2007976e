## The order's history (🕓 History): one line per change, oldest first, in the shopper's
## timezone. Each timeline-<what> is one kind of change (domain.timeline.AUDIT_ENTRIES);
## timeline-staff-<what>, where given, is how staff's /order words it.

card-timeline = 🕓 History
timeline-title = 🕓 History of order {$order_no}
timeline-product = Product: {$product}
timeline-empty = Nothing recorded yet.
timeline-earlier = ({$count} earlier entries not shown)
timeline-back = ⬅ Back to the order
timeline-line = {$time} {$text}
timeline-when = {$day} {$month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
} {$time}
timeline-when-year = {$day} {$month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
} {$year} {$time}

timeline-order-placed = You placed the order ({$amount})
timeline-order-paid = Paid {$amount} · {$channel}
timeline-order-delivered = { $kind ->
    [card_key] Card key issued
    [direct_topup] Top-up credited
    [physical] Parcel signed for
   *[other] Goods delivered
}
timeline-order-completed = Order completed
timeline-order-cancelled = { $by ->
    [shopper] You cancelled the order
    [staff] The order was cancelled (application approved)
    [shop] The shop cancelled the order
   *[other] The order was cancelled
}
timeline-order-cancel-reason = You gave the reason: {$reason}
timeline-order-cancel-requested = The shop was asked to confirm the cancel
timeline-order-cancel-refused = The shop could not cancel the order (the shop shows: {$shop_status})
timeline-ticket-filed = { $kind ->
    [activation_check] You asked staff to check whether the card key was activated (reason: {$reason})
   *[other] You applied for cancel (reason: {$reason})
}
timeline-ticket-approved = Application approved
timeline-ticket-rejected = Application declined: {$reason}
timeline-ticket-exchange_offered = Staff will contact you about an exchange
timeline-ticket-withdrawn = You withdrew the application
timeline-refund-requested = Refund of {$amount} requested, back to {$channel}
timeline-refund-submitted = Refund submitted to {$channel}
timeline-refund-succeeded = Refund of {$amount} arrived ({$channel})
timeline-refund-failed = Refund failed: {$reason}
timeline-refund-reinitiated = Refund started again
timeline-refund-shopper-arrived = You confirmed the refund arrived
timeline-refund-shopper-not-yet = You said the refund had not arrived yet
timeline-refund-shopper-asked = You asked staff to start the refund again
timeline-coupon-returned = Coupon "{$coupon_title}" returned
timeline-coupon-not-returned = Coupon "{$coupon_title}" kept by its rules
timeline-coupon-expired = Coupon "{$coupon_title}" had expired and was not returned
timeline-order-restored = { $by ->
    [shopper] You restored the order; the refund was withdrawn
   *[other] Order restored (with staff's help)
}
timeline-order-restore-refused = The shop did not agree to restore it; the order stays cancelled
timeline-coupon-returned-by-staff = Staff returned the coupon to your account
timeline-case-opened = You contacted staff
timeline-case-closed = Staff closed the conversation
timeline-case-reopened = Conversation reopened
timeline-refund-voided = Refund withdrawn (the order was restored)
timeline-refund-reopened = Cancelled again: refund of {$amount} requested anew

# Only staff see these: steps inside the shop.
timeline-refund-reconciled = Confirmed by a reconciliation file
timeline-satisfaction-asked = Customer asked for a rating
timeline-satisfaction-not-asked = No rating asked (asked about this order recently)
timeline-satisfaction-rated = Customer rated {$rating} stars
timeline-satisfaction-skipped = Customer skipped the rating
timeline-satisfaction-commented = Customer left a comment

# Staff's wording where the shopper's speaks to "you".
timeline-staff-order-placed = Order placed ({$amount})
timeline-staff-order-cancelled = Order cancelled
timeline-staff-order-cancel-reason = Cancel reason: {$reason}
timeline-staff-ticket-filed = { $kind ->
    [activation_check] Ticket filed: card key activation check (reason: {$reason})
   *[other] Ticket filed: apply for cancel (reason: {$reason})
}
timeline-staff-ticket-approved = Cancel approved
timeline-staff-ticket-rejected = Application declined: {$reason}
timeline-staff-ticket-exchange_offered = Exchange offered
timeline-staff-ticket-withdrawn = Customer withdrew the ticket
timeline-staff-refund-shopper-arrived = Customer confirmed it arrived
timeline-staff-refund-shopper-not-yet = Customer said it has not arrived
timeline-staff-refund-shopper-asked = Customer asked to start the refund again
timeline-who-shopper = customer
timeline-who-staff = staff {$name} ({$id})
timeline-who-shop = the shop
timeline-who-system = system
timeline-note = 　└ {$note}
timeline-order-restore-requested = The shop was asked to confirm the restore

## The staff group: ticket cards, decisions, /queue, /ticket, /order, and notices.

staff-card-title = 🆕 Ticket #{$id} · {$kind}
staff-kind-cancel = cancel request
staff-kind-activation_check = card key activation check
staff-card-deadline = ⏰ Due: {$deadline} · {$left}
staff-left-hours = about {$hours} working hours left
staff-left-overdue = ⚠ overdue by {$hours} working hours
staff-card-customer = 👤 Customer: {$name} · {$orders} orders · {$cancelled} cancelled · {$tickets} tickets
staff-card-order = 🧾 Order {$order_no} · {$product} ({$kind}) × {$quantity}
staff-card-paid = 💰 Paid {$amount} · {$channel}
staff-card-unpaid = 💰 Due {$amount} (unpaid)
staff-card-status = 📦 Status: {$status}
staff-card-key-true = 🔑 Card key: activated
staff-card-key-false = 🔑 Card key: not activated
staff-card-key-unknown = 🔑 Card key: activation unknown (please check)
staff-card-reason = 📝 Reason: {$reason}
staff-card-text = 💬 {$text}
staff-card-evidence = 🖼 {$count} screenshot(s) (see replies)
staff-card-no-evidence = 🖼 No screenshots
staff-reason-duplicate = duplicate order
staff-reason-wrong_info = wrong product details
staff-reason-payment_issue = payment problem
staff-reason-unused_key = card key not used
staff-reason-other = other

staff-outcome-approved = ✅ Cancel approved · {$who} · {$time}
staff-outcome-rejected = ❌ Rejected ({$reason}) · {$who} · {$time}
staff-outcome-exchange_offered = 🔁 Exchange offered · {$who} · {$time}
staff-outcome-withdrawn = ↩ Withdrawn by the customer · {$time}
staff-reject-key_activated = card key activated
staff-reject-already_shipped = already shipped
staff-reject-insufficient_evidence = insufficient evidence
staff-reject-other = other

staff-btn-approve = ✅ Approve cancel
staff-btn-reject = ❌ Reject
staff-btn-exchange = 🔁 Offer exchange
staff-btn-back = ⬅ Back
staff-btn-reject-key_activated = Card key activated
staff-btn-reject-already_shipped = Already shipped
staff-btn-reject-insufficient_evidence = Insufficient evidence
staff-btn-reject-other = Other (type a reason)

staff-alert-not-staff = ⛔ Only the shop's customer-service staff can decide tickets.
staff-alert-not-found = This ticket does not exist.
staff-alert-already = Already decided by {$who} at {$time}: {$outcome}
staff-alert-withdrawn = The customer withdrew this request at {$time}; nothing to do.
staff-alert-order-changed = The order changed (it may have been cancelled already), so it cannot be approved. The card was refreshed.
staff-toast-done = Done: {$outcome}
staff-toast-pick-reason = Pick a reason for rejecting
staff-ask-note = {$name}, reply to this message with the reason for rejecting ticket #{$id} (up to 500 characters).
staff-note-invalid = The reason must not be empty or longer than 500 characters. Please reply again.
staff-note-done = ❌ Ticket #{$id} rejected; the reason was sent to the customer.

staff-withdrawn-notice = ↩ The customer withdrew ticket #{$id} (order {$order_no}); nothing to do.
staff-evidence-caption = 🖼 Screenshot for ticket #{$id}

staff-queue-header = 📋 {$count} open ticket(s), by deadline:
staff-queue-empty = ✅ No open tickets.
staff-queue-line = #{$id} · {$order_no} · {$kind} · due {$deadline} · {$left}
staff-queue-button = #{$id} {$order_no} · {$left}
staff-ticket-usage = Usage: /ticket NUMBER, e.g. /ticket 12
staff-order-usage = Usage: /order ORDER_NO, e.g. /order KM202611260001
staff-order-not-found = No order {$order_no}.
staff-order-open-ticket = 📝 Open ticket #{$id} (/ticket {$id})
staff-order-timeline = 🕘 Timeline:
staff-order-no-timeline = 🕘 Nothing recorded yet.
staff-timeline-line = {$time} · {$action} · {$actor}
staff-only = ⛔ These commands are for staff only.

decided-approved = ✅ Your request to cancel order {$order_no} was approved; the order is cancelled.
decided-refund = 💰 {$amount} goes back to {$channel}, expected by {$latest}.
decided-refund-done = 💰 {$amount} is back in your {$channel}.
decided-no-refund = There is nothing to refund for this order.
decided-rejected = ❌ Sorry, your request to cancel order {$order_no} was not approved.
decided-reason = Reason: {$reason}
decided-reason-key_activated = the card key has been activated, so it cannot be cancelled.
decided-reason-already_shipped = the goods have already been shipped.
decided-reason-insufficient_evidence = the screenshots were not enough to verify the problem.
decided-exchange = 🔁 About order {$order_no}: customer service will contact you to arrange an exchange for another product.
decided-footer = Questions? Send /help to reach customer service.

config-staff-pace = must be a whole number from 1 to 20 (Telegram allows about 20 a minute per group), e.g. STAFF_MESSAGES_PER_MINUTE=18.
config-outbox-wake = must be a whole number of seconds from 1 to 300, e.g. OUTBOX_WAKE_SECONDS=5.
config-global-pace = must be a whole number from 1 to 30 (Telegram allows a bot about 30 messages a second), e.g. GLOBAL_MESSAGES_PER_SECOND=25.
config-chat-pace = must be 0 (no pace) or a number from 0.2 to 5 (Telegram allows about 1 message a second per chat), e.g. CHAT_MESSAGES_PER_SECOND=1.
config-throttle-burst = must be a whole number from 1 to 100, e.g. THROTTLE_BURST=5.
config-throttle-rate = must be 0 (no throttling) or a number from 0.1 to 30 (messages or taps a second per person), e.g. THROTTLE_PER_SECOND=1.
staff-dead-letter = ☠️ {$count} notifications could not be sent (Telegram refused them, or they kept failing for over a day) and are no longer retried. The first: #{$id} ({$kind}); last error: {$error}. Once the problem is fixed, run python -m bot outbox to list them and python -m bot outbox --requeue-all to send them again.
staff-shop-silent = ⚠️ The shop's order system has not answered the cancel request for order {$order_no} (#{$id}) since {$since}. The bot keeps retrying with the same request; please check the shop's API.
staff-toast-awaiting-shop = Asked the shop to cancel the order of ticket #{$id}; once it confirms, the ticket is approved and the shopper told.
staff-shop-refused = ⚠️ The shop did not cancel the order {$order_no} of ticket #{$id}: it shows it as “{$status}”. Nothing was refunded; the ticket is still open — please decide again.
staff-button-elsewhere = This is a staff group button; it only works in the staff group.

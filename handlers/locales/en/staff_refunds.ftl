## The staff group: manual refund cards, their buttons, /refund, failure alerts and follow-ups.

staff-refund-card-title-requested = 💸 Refund due: order {$order_no} · {$amount} · back to {$channel}
staff-refund-card-title-processing = ⏳ Refund in progress: order {$order_no} · {$amount} · back to {$channel}
staff-refund-card-title-succeeded = ✅ Refund arrived: order {$order_no} · {$amount} · back to {$channel}
staff-refund-card-title-failed = ❌ Refund failed: order {$order_no} · {$amount} · back to {$channel}
staff-refund-card-number = 🔖 Refund #{$id} · {$status} · attempt {$attempt}
staff-refund-status-requested = to submit
staff-refund-status-processing = submitted, in progress
staff-refund-status-succeeded = arrived
staff-refund-status-failed = failed
staff-refund-card-customer = 👤 Customer: {$name}
staff-refund-card-expected = 📅 Expected between {$earliest} and {$latest}
staff-refund-card-reason = ❗ Failure reason: {$reason}
staff-refund-card-shopper-not-yet = 🙋 The customer said on {$time} it has not arrived
staff-refund-card-shopper-arrived = 🙆 The customer confirmed on {$time} it arrived
staff-refund-card-timeline = 🕘 Progress:
staff-refund-line-created = · {$time} refund requested
staff-refund-line-event = · {$time} {$action} · {$who}
staff-refund-line-event-note = · {$time} {$action} ({$note}) · {$who}
staff-refund-action-submit = submitted
staff-refund-action-succeed = arrived
staff-refund-action-fail = failed
staff-refund-action-reinitiate = re-initiated

staff-refund-btn-submit = 📤 Submitted
staff-refund-btn-succeed = ✅ Arrived
staff-refund-btn-fail = ❌ Failed
staff-refund-btn-reinitiate = 🔁 Re-initiate
staff-refund-btn-back = ⬅ Back
staff-refund-reason-account = Account problem
staff-refund-reason-rejected = Refund to the original route refused
staff-refund-reason-card_closed = Bank card closed

staff-refund-failed-alert = ❌ Refund #{$id} (order {$order_no} · {$amount} · {$channel}) failed: {$reason}
staff-refund-failed-next = Next: the customer has been told it failed. Check the reason in the {$channel} console, fix it, then press "Re-initiate"; once refunded again, press "Submitted".
staff-refund-followup-not-yet = 🙋 The customer says refund #{$id} (order {$order_no} · {$amount} · {$channel}) has not arrived. Expected by {$latest}; now: {$status}.
staff-refund-followup-due = ⏰ Refund #{$id} (order {$order_no} · {$amount} · {$channel}) reached its expected date {$latest}; now: {$status}.
staff-refund-followup-asked = 🙋 The customer says the bill for refund #{$id} (order {$order_no} · {$amount} · {$channel}) shows "refund failed" and asks to start it again. Now: {$status}.
staff-refund-followup-submit = This refund was never submitted. Please start it in the {$channel} console now, then press "Submitted".
staff-refund-followup-check = Check the {$channel} console: "refunding" means wait; if it arrived press "Arrived"; "refund failed" means press "Failed" and give the reason.
staff-refund-followup-reinitiate = 🙋 The customer asks to re-initiate refund #{$id} (order {$order_no} · {$amount} · {$channel}). Failure reason: {$reason}
staff-refund-followup-reinitiate-next = Once checked, press "Re-initiate".

staff-refund-done-submit = ✅ Refund #{$id} marked submitted
staff-refund-done-succeed = ✅ Refund #{$id} marked arrived
staff-refund-done-fail = ✅ Refund #{$id} marked failed; the customer is told why
staff-refund-done-reinitiate = ✅ Refund #{$id} marked re-initiated (attempt {$attempt})
staff-refund-already = Refund #{$id} was already marked "{$action}" by {$who} at {$time}.
staff-refund-not-allowed = Refund #{$id} is "{$status}" now and cannot be marked "{$action}".
staff-refund-not-found = No such refund.
staff-refund-needs-reason = Marking a refund failed needs the reason (the customer is told), e.g. /refund {$id} failed account problem
staff-refund-not-manual = Refund #{$id} went to the customer's balance and arrived at once: nothing to do.
staff-refund-not-staff = ⛔ Only the shop's staff can handle refunds.
staff-refund-usage = Usage: /refund REFUND_NO or ORDER_NO [submitted | succeeded | failed REASON | reinitiate]. E.g. /refund 12 failed account problem
staff-refund-ask-reason = {$name}, reply to this message with why refund #{$id} failed (the customer is told, up to 200 characters), or pick a common reason on the card.
staff-refund-toast-pick-reason = Pick a common reason, or reply to the prompt with your own
staff-refund-reason-invalid = The reason cannot be empty or longer than 200 characters. Please reply again.
staff-refund-reason-done = ❌ Refund #{$id} marked failed; the customer is told why.

## Words staff may type after /refund N (space-separated; English words work in every language).
staff-refund-verbs-submit = submitted
staff-refund-verbs-succeed = succeeded arrived
staff-refund-verbs-fail = failed
staff-refund-verbs-reinitiate = reinitiate
staff-refund-actor-wallet = the shop wallet (automatic)
staff-refund-actor-import = reconciliation file {$file}
staff-refund-actor-shopper = the customer

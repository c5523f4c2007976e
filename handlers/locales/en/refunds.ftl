## /refunds: each refund's timeline and the one thing to do next.
## The list's header, empty text and order line are in orders.ftl (refunds-*), shared with order cards.

refund-step-requested = ✅ Refund requested · {$at}
refund-step-waiting = ⏳ Waiting for staff to submit it to {$channel}
refund-step-submitted = ✅ Submitted to {$channel} · {$at}
refund-step-expected = ⏳ Expected by {$date}
refund-step-overdue = ⚠️ Expected by {$date} (that date has passed; no record of arrival yet)
refund-step-succeeded = ✅ Arrived · {$at} (back in your {$channel})
refund-step-failed = ❌ Refund failed: {$reason} · {$at}
refund-step-attempt = 🔁 Attempt {$attempt}
refund-step-attempt-at = 🔁 Attempt {$attempt} started · {$at}
refund-step-not-yet = 🕐 You told us it has not arrived · {$at}
refund-step-confirmed = 🙋 You confirmed receipt · {$at}
refund-step-confirmed-unverified = 🙋 You confirmed receipt · {$at} ({$channel}'s refund record has not confirmed it yet)
refund-no-reason = no reason given

refunds-button-open = 🔎 Details · {$order_no}
refunds-button-not-yet = ❓ Not arrived? · {$order_no}
refunds-button-ask-staff = 🙋 Ask staff to re-initiate · {$order_no}

refund-button-open = 🔎 Refund progress
refund-button-not-yet = ⏳ Not yet
refund-button-arrived = ✅ Yes, it arrived
refund-button-ask-staff = 🙋 Ask staff to re-initiate

refund-detail-title = 🧾 Refund details · order {$order_no}

refund-where-wechat = the bill in the WeChat app
refund-where-alipay = the bill in the Alipay app
refund-where-bank_card = your bank's app or card statement
refund-where-balance = your shop balance history

refund-thanks = 🙏 Thanks for letting us know! Noted that you received the refund of {$amount} for order {$order_no}.
refund-guidance =
    🔎 The refund of {$amount} for order {$order_no} has not arrived? Please check first:
    open {$where} and find this refund:
    · it says "refunding": {$channel} is still processing it; please wait a little longer, we will check with you;
    · it says "refund failed": press "Ask staff to re-initiate" below and staff will refund it again.
    If nothing moves by {$follow_up}, staff will look into it for you.
refund-already-arrived = ✅ The refund record shows that {$amount} for order {$order_no} went back to your {$channel} on {$at}. Please look for it in {$where}.
refund-failed-now = ❌ The refund of {$amount} for order {$order_no} to your {$channel} failed: {$reason}. Staff will start it again and you will be told when it goes out; you can also press the button below to ask them.
refund-asked-staff = 🙋 Staff have been asked to re-initiate the refund of {$amount} for order {$order_no}. You will be told when it goes out again.
refund-asked-check = 🙋 Staff have been asked to check the refund of {$amount} for order {$order_no} with {$channel}. If it failed, they will start it again and tell you.
refund-not-found = This refund was not found on your account.

push-refund-submitted = 📤 The refund of {$amount} for order {$order_no} has been submitted to {$channel}; expected by {$latest}.
push-refund-resubmitted = 📤 The refund of {$amount} for order {$order_no} has been submitted to {$channel} again (attempt {$attempt}); expected by {$latest}.
push-refund-succeeded = ✅ The refund of {$amount} for order {$order_no} has arrived: it is back in your {$channel}.
push-refund-succeeded-balance = ✅ The refund of {$amount} for order {$order_no} has arrived: it is in your shop balance, ready for your next purchase.
push-refund-failed =
    ❌ The refund of {$amount} for order {$order_no} to your {$channel} failed: {$reason}
    What happens next: staff will start the refund again, and you will be told when it goes out. You can also press the button below to ask them.
push-refund-arrival-check = 💰 {$amount} should have reached your {$channel} by now (order {$order_no}). Has it arrived?
refund-stale-question = That message was about an earlier try; here is where the refund stands now.

# Talking to staff: the shopper's side.
command-contact = Contact staff
contact-button = 💬 Contact staff
contact-pick = 💬 Which order is it about? Pick one below, or "Something else".
contact-pick-order = 💬 {$order_no} · {$product}
contact-pick-case = ▶️ Continue: {$what}
contact-pick-general = 💬 Something else (no particular order)
contact-about-order = order {$order_no}
contact-about-general = something else
contact-usage = Usage: /contact ORDER_NO, e.g. /contact KM-1001; /contact alone lets you pick an order.

conversation-opened = 💬 You are now talking to staff ({$what}).
    Write your message here; photos and files are welcome. Staff will reply in this chat.
conversation-resumed = 💬 You are talking to staff ({$what}). Write your message; photos and files are welcome.
conversation-reopened = 🔓 Your conversation ({$what}) is open again; staff can see what was said before. Write your message; photos and files are welcome.
conversation-quiet = 🌙 Staff are away now (working days 09:00–18:00). Staff will reply from {$time} on {$date}; your messages are kept.
conversation-leave = ↩️ End chat / back to my orders
conversation-sent-first = ✅ Sent to staff. Their reply will appear here; write more to add details.
conversation-sent-reopened = 🔓 Your conversation ({$what}) is open again; staff will see this message.
conversation-sent-new = 💬 The earlier conversation had ended, so a new one was opened ({$what}); staff will see this message.
conversation-left = Chat ended. Staff's replies still arrive here; to continue, press "💬 Reply" under their message or send /contact.
conversation-unsupported = Only text, photos and files can be passed on to staff; please send it another way.
conversation-gone = This conversation is no longer available. Send /contact if you need help.
conversation-reply-button = 💬 Reply
push-case-closed = ✅ Staff closed the conversation about {$what}. Press the button below if you need more help.
push-case-reopened = 🔓 Staff reopened the conversation about {$what}; you can reply here.

# Talking to staff: the staff group's side.
staff-case-title = 💬 Case #{$id} · {$what}
staff-case-about-order = order {$order_no}
staff-case-about-general = something else (no order)
staff-case-topic = 📌 From: {$topic}
staff-case-topic-return = return and refund
staff-case-topic-negotiate = negotiate a solution
staff-case-topic-exchange = card key exchange
staff-case-topic-after_sales = after-sales
staff-case-topic-refund = refund failed
staff-case-topic-late = review overdue
staff-case-topic-general = question
staff-case-topic-name = {$what} · {$topic}
staff-case-topic-name-general = Case #{$id} · {$name}
staff-case-open = 🟢 Open · opened {$time}
staff-case-closed = ⚪ Closed · {$time}
staff-case-hint-topic = Text, photos and files staff send in this topic go to the customer; /close closes it, /reply NAME sends a saved reply.
staff-case-hint-reply = Reply to this card or to the customer's messages to answer them; /close closes it, /reply NAME sends a saved reply.
staff-case-btn-close = ✅ Close case
staff-case-btn-reopen = 🔓 Reopen
staff-case-note-closed = 🔒 {$who} closed case #{$id}; the customer was told.
staff-case-note-reopened = 🔓 {$who} reopened case #{$id}; the customer was told.
staff-case-note-reopened-shopper = 🔓 The customer reopened case #{$id}.
staff-case-closed-toast = Case #{$id} closed.
staff-case-reopened-toast = Case #{$id} reopened.
staff-case-already-closed = Case #{$id} is already closed.
staff-case-already-open = Case #{$id} is already open.
staff-case-newer-open = A newer case about this order is open; please answer the customer in its topic.
staff-case-not-here = This is not a case's topic. Use {$command} in a case's topic (or in reply to its card).
staff-case-is-closed = Case #{$id} is closed; this message was not sent to the customer. Send /reopen first to continue.
staff-case-unsupported = Only text, photos and files can be passed on to the customer.
staff-case-not-staff = ⛔ Only staff can handle cases.
staff-case-gone = This case was not found.
staff-reply-usage = Usage: /reply NAME in a case's topic; /replies lists the saved replies.
staff-reply-unknown = No saved reply named "{$name}". /replies lists them.
staff-reply-sent = ✅ Saved reply "{$name}" sent to the customer:
    {$text}
staff-replies-empty = No saved replies yet. Add one: /replies add NAME TEXT
staff-replies-header = 📋 Saved replies ({$count}):
staff-replies-line = • {$name}: {$text}
staff-replies-footer = Send /reply NAME in a case's topic to send one. Add: /replies add NAME TEXT · Delete: /replies del NAME
staff-replies-more = …and {$count} more not listed (send /reply NAME to use one)
staff-replies-usage = Usage: /replies (list) · /replies add NAME TEXT · /replies del NAME
staff-replies-bad-name = A name may hold letters, digits, _ and -, at most 32 characters.
staff-replies-bad-text = The text must not be empty, and at most {$max} characters.
staff-replies-saved = ✅ Saved reply "{$name}" added.
staff-replies-replaced = ✅ Saved reply "{$name}" updated.
staff-replies-deleted = 🗑 Saved reply "{$name}" deleted.
staff-replies-unknown = No saved reply named "{$name}".

config-case-reopen = must be between 0 and 365 days.

start-unlinked =
    Hello {$name}, I am the shop's order assistant: I help you find your orders, cancel them and follow your refunds.

    Your Telegram account is not linked to a shop account yet, so I cannot show your orders. To link it:
    1. ask the shop's customer service for your personal link and open it;
    2. or tap the "📱 Link with my phone number" button below to share the phone number you gave when ordering (your own number only).

    Then send /start to see your orders.
start-linked-header = Hello {$name}! Your recent orders ({$total} in all):
start-linked-empty = Hello {$name}! There are no orders on your account yet.
start-order-line = {$badge} {$order_no} · {$product} · {$amount} · {$status}
start-linked-footer = ✅ can cancel  📝 can apply (reviewed within 1–2 working days)  ⛔ cannot cancel
    Tap an order below for details; send an order number or product name to search.
help-text =
    I can help you with:
    · /start: your recent orders and whether each can be cancelled
    · /orders: all your orders by status; send an order number or product name to search
    · /cancel ORDER_NUMBER: cancel that order (you confirm the amount, where the money goes and by when first)
    · /apply ORDER_NUMBER: apply to cancel an order that cannot be cancelled directly (screenshots welcome); /tickets: your applications
    · /refunds: refund progress
    · /restore ORDER_NUMBER: undo a mistaken cancel; /coupon ORDER_NUMBER: ask staff about a coupon that did not come back
    · /contact: talk to staff here, about an order or anything else
    · /lang: change language; /unlink: unlink your account
fallback-unknown = Sorry, I did not understand that. Send /start to see your orders, or /help to see what I can do.
fallback-edited = I saw your edit, but I only act on new messages. Please send it again.
fallback-picture = I got the picture, but no cancellation application is open. To send a screenshot, first send /apply ORDER_NO (e.g. /apply KM202611260001) or tap “📝 Apply for cancel” on the order, then send it when asked; for an application already filed, add screenshots from /tickets.
fallback-stale-button = This button has expired; send /start to open your orders again.

help-button = ❓ Help
help-questions = Common questions (tap one for the answer):
help-back = ⬅ Back to help
help-go-orders = 📋 My orders
help-go-refunds = 💰 My refunds
help-go-tickets = 📝 My applications

help-q-why_not = ❓ Why can my order not be cancelled?
help-a-why_not =
    Whether an order can be cancelled depends on its status:
    · awaiting payment: cancel at once, at no cost;
    · paid, not shipped: cancel at once, the money goes back the way you paid;
    · auto-delivered goods (game cards, top-ups) already in delivery, or goods staff are delivering by hand: no direct cancel, but you can apply and staff decide within {$review_days} working days;
    · a card key sent but not activated: you can apply, and staff check its activation; an activated key cannot be cancelled, but staff can offer an exchange;
    · a parcel already shipped: return and refund; completed and cancelled orders have nothing to cancel.
    Open an order to see whether it can be cancelled, why, and what happens to the money and the coupon.

help-q-statuses = ❓ What does each order status mean?
help-a-statuses =
    · Awaiting payment: ordered, not paid yet;
    · To ship: paid, the goods have not left yet;
    · Delivering: the system or staff are delivering (cards and top-ups usually take seconds);
    · Shipped / Received / Credited: the goods have reached you;
    · Completed: the sale is over;
    · Cancelled: the order is cancelled, and what you paid goes back the way you paid;
    · Cancel being confirmed: the shop is confirming the cancel; you are told as soon as it does.

help-q-refund_late = ❓ My refund has not arrived
help-a-refund_late =
    Refunds go back the way you paid: WeChat and Alipay in {$wallet_days} working days, bank cards in {$bank_days}, the shop balance at once.
    If the expected date has passed, open the bill in the app you paid with (WeChat / Alipay / your bank's app) and find this order's refund:
    · "refund in progress": the money is on its way, please wait a little longer;
    · "refund failed": tap the refund's button in My refunds to have staff start it again.
    My refunds shows each refund's expected date.

help-q-review = ❓ How long does a review take?
help-a-review =
    Staff decide within {$review_days} working days (weekends and public holidays do not count), and each application shows its last day.
    You are told the outcome at once: if approved, the money goes back the way you paid; if not, you are told why. Meanwhile you can add screenshots or withdraw the application.

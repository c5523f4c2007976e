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

help-go-cancelled = 🗂 My cancelled orders
help-q-restore = ❓ I cancelled by mistake: can I get the order back?
help-a-restore =
    An order you cancelled yourself can be restored within {$restore_minutes} minutes of the cancel, while nothing was delivered and the refund has not been sent out: tap "↩ Restore order" on the order. It goes back to where it was, the refund is withdrawn and the coupon stays on the order.
    After that, when the refund was already sent, or when the shop or staff cancelled it, tap "📝 Ask staff to restore it" on the order and staff help by hand (only for goods not delivered and money not yet paid out elsewhere).
help-restore-self = ↩ Restore order {$order_no}
help-restore-staff = 📝 Ask staff to restore {$order_no}

help-q-coupon = ❓ My coupon did not come back after a cancel
help-a-coupon =
    Whether a coupon comes back depends on its own rule: one "returned on cancel" goes back to your account when the order is cancelled; one "not returned" is spent once used. The order, the cancel confirmation and the cancel's success message all name the coupon's rule and expiry.
    If its rule says it comes back and it did not, tap below to have staff check: they return it by hand and tell you.
help-coupon-ask = 🎟 {$order_no}: ask staff about the coupon

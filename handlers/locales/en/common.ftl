date-format = {$weekday} {$day} {$month ->
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
}
date-estimated = {$date} (estimated)
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun

status-pending_payment = Awaiting payment
status-paid = Paid, not shipped
status-delivering = Delivering
status-delivered = Delivered
status-delivering-physical = Shipped (in transit)
status-delivering-manual_virtual = Being delivered by staff
status-delivered-physical = Received
status-delivered-direct_topup = Credited
status-completed = Completed
status-cancelled = Cancelled

kind-card_key = card key
kind-direct_topup = direct top-up
kind-manual_virtual = manual delivery
kind-physical = physical item

channel-wechat = WeChat
channel-alipay = Alipay
channel-bank_card = bank card
channel-balance = shop balance

badge-cancel_now = ✅ can cancel
badge-apply = 📝 can apply
badge-after_sales = ⛔ cannot cancel
badge-nothing = ⛔ cannot cancel

error-generic = Sorry, something went wrong. Send /start to see the current state of your orders, or /help to reach customer service.
throttled = You're sending too fast. Please wait a few seconds and try again.

command-start = Start / my recent orders
command-orders = My orders (by status, search)
command-cancel = Cancel an order (optionally with its number)
command-refunds = Refund progress
command-lang = Language / 切换语言
command-unlink = Unlink my account
command-help = Help
status-cancelling = Cancelling (awaiting the shop)

date-format = {$month}月{$day}日({$weekday})
# A date in a year whose holidays are not announced yet: the make-up days may move it.
date-estimated = {$date}·预计
weekday-1 = 周一
weekday-2 = 周二
weekday-3 = 周三
weekday-4 = 周四
weekday-5 = 周五
weekday-6 = 周六
weekday-7 = 周日

status-pending_payment = 待支付
status-paid = 待发货
status-delivering = 发货中
status-delivered = 已发货
status-delivering-physical = 已发货(运输中)
status-delivering-manual_virtual = 人工发货中
status-delivered-physical = 已签收
status-delivered-direct_topup = 已到账
status-completed = 已完成
status-cancelled = 已取消

kind-card_key = 卡密
kind-direct_topup = 直充
kind-manual_virtual = 人工发货
kind-physical = 实物

channel-wechat = 微信
channel-alipay = 支付宝
channel-bank_card = 银行卡
channel-balance = 余额

badge-cancel_now = ✅ 可取消
badge-apply = 📝 可申请取消
badge-after_sales = ⛔ 不可取消
badge-nothing = ⛔ 不可取消

error-generic = 抱歉,处理时出了点问题。请发送 /start 查看订单的最新状态;如仍有问题,请发送 /help 联系客服。
throttled = 您发送得太快了,请稍等几秒再试。

command-start = 开始 / 我的最近订单
command-orders = 我的订单(按状态查看、搜索)
command-cancel = 取消订单(可跟订单号)
command-refunds = 退款进度
command-lang = 切换语言 / Language
command-unlink = 解除账号关联
command-help = 帮助
status-cancelling = 取消确认中

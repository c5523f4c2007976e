start-unlinked =
    {$name},您好!我是本店的订单客服机器人,可以帮您查看订单、取消订单、跟进退款。

    您的 Telegram 账号还没有关联本店账号,所以暂时看不到订单。关联方法:
    1. 请联系本店客服,获取您专属的关联链接,点开即可完成关联;
    2. 或者点下方“📱 用手机号关联”按钮,分享您在本店下单时留的手机号(只能分享您本人的号码)。

    关联后发送 /start 即可看到您的订单。
start-linked-header = {$name},您好!以下是您最近的订单(共 {$total} 笔):
start-linked-empty = {$name},您好!您的账号下还没有订单。
start-order-line = {$badge} {$order_no} · {$product} · {$amount} · {$status}
start-linked-footer = ✅ 可取消  📝 可申请取消(客服 1–2 个工作日内审核)  ⛔ 不可取消
    点下方订单查看详情;直接发送订单号或商品名可搜索。
help-text =
    我可以帮您:
    · /start 查看最近的订单,以及每笔订单能否取消
    · /orders 按状态查看全部订单;直接发送订单号或商品名即可搜索
    · /cancel 订单号:直接取消该订单(会先让您确认金额、退款去向和到账日期)
    · /apply 订单号:对不能直接取消的订单申请取消(可附截图);/tickets 查看申请进度
    · /refunds 查看退款进度
    · /restore 订单号:恢复误取消的订单;/coupon 订单号:优惠券没退回时请客服处理
    · /contact 联系客服,就某个订单或其他问题直接在这里和客服沟通
    · /lang 切换语言;/unlink 解除账号关联
fallback-unknown = 抱歉,我没有看懂这条消息。发送 /start 查看您的订单,或发送 /help 了解我能做什么。
fallback-edited = 已收到您修改的消息,但我只处理新消息。请重新发送一次。
fallback-picture = 收到图片了,但现在没有正在填写的取消申请。要提交截图,请先发送 /apply 订单号(例如 /apply KM202611260001),或在订单详情里点「📝 申请取消」,再按提示发送截图;已提交的申请可在 /tickets 里补充截图。
fallback-stale-button = 这个按钮已失效,请发送 /start 重新打开。

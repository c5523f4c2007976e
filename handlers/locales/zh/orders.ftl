tab-all = 全部
tab-pending = 待支付
tab-to_ship = 待发货
tab-shipped = 已发货
tab-completed = 已完成
tab-cancelled = 已取消

list-header = 📋 我的订单 · {$tab}(共 {$total} 笔,第 {$page}/{$pages} 页)
list-empty = 📋 我的订单 · {$tab}:暂无订单。
list-hint = 点订单查看详情和能否取消;直接发送订单号或商品名可搜索。
list-prev = ◀ 上一页
list-next = 下一页 ▶
list-all-orders = 📋 全部订单
list-button = {$icon} {$order_no} · {$product} · {$amount}
icon-cancel_now = ✅
icon-apply = 📝
icon-after_sales = ⛔
icon-nothing = ⛔

search-header = 🔍 包含「{$query}」的订单:共 {$total} 笔(第 {$page}/{$pages} 页)
search-empty = 🔍 没有找到包含「{$query}」的订单。可以发送完整订单号,或点下方查看全部订单。
search-nothing = 🔍 请发送订单号(如 KM202611200001)或商品名称的一部分来查找订单;发送 /orders 查看全部订单。
search-no-order = 🔍 没有找到订单号 {$order_no}。只能查询您本人账号下的订单,请核对后再试。
search-expired = 搜索已过期,请重新发送订单号或商品名。

card-title = 🧾 订单 {$order_no}
card-product = 商品:{$product}({$kind})× {$quantity}
card-unit-price = 单价:{$price}
card-coupon = 优惠券:{$title}(-{$discount})
card-discount = 优惠:-{$discount}
card-paid = 实付:{$amount} · {$channel}
card-unpaid = 应付:{$amount}(未支付)
card-placed = 下单时间:{$time}
card-paid-at = 支付时间:{$time}
card-delivered-at = 发货时间:{$time}
card-cancelled-at = 取消时间:{$time}
card-status = 状态:{$status}
card-cancel = ❌ 取消订单
card-apply = 📝 申请取消
card-after-sales = 🛠 售后 / 联系客服
card-back = ⬅ 返回订单列表

reason-pending_payment = ✅ 可以直接取消:订单尚未支付,取消不产生任何费用。
reason-paid_not_shipped = ✅ 可以直接取消:订单已支付但尚未发货。
reason-instant_delivery_started = 📝 不能直接取消:该商品为自动发货,已进入发货流程。可以申请取消,由客服在 1–2 个工作日内审核。
reason-manual_delivery_started = 📝 不能直接取消:客服正在为您人工发货。可以申请取消,客服确认尚未发货后为您取消,1–2 个工作日内审核。
reason-card_key_not_activated = 📝 不能直接取消:卡密已发出。卡密尚未激活,可以申请取消,客服核实后退款。
reason-card_key_activation_unknown = 📝 不能直接取消:卡密已发出。如果您还没有使用,可以申请取消,客服会查询激活状态。
reason-card_key_activated = ⛔ 无法取消:卡密已激活。可以联系客服协商其他方案(如更换商品)。
reason-virtual_delivered = ⛔ 无法取消:商品已发放到账。如有问题请联系客服协商解决。
reason-shipped_physical = ⛔ 无法取消:包裹已发出。收到后可以申请退货退款。
reason-physical_delivered = ⛔ 无法取消:商品已送达。如需退货,请申请退货退款。
reason-completed = ⛔ 订单已完成,无需取消。如有问题请联系售后。
reason-already_cancelled = ⛔ 订单已取消。
reason-awaiting_shop = ⏳ 正在向商城确认取消…确认后会立即通知您,期间无需重复操作。

money-refund = 💰 取消后 {$amount} 原路退回{$channel},预计 {$earliest} 至 {$latest} 到账(按工作日计算)。
money-refund-instant = 💰 取消后 {$amount} 立即退回您的{$channel}。
money-refund-if-approved = 💰 如审核通过,{$amount} 原路退回{$channel},最晚 {$latest} 到账。
money-none = 💰 该订单尚未支付,取消后无需退款。
money-zero = 💰 该订单实付 ¥0.00,取消后无需退款。
search-bad-number = 🔍 「{$text}」不是有效的订单号(订单号最长 64 位字母、数字或短横线),请核对后再试。

refund-line-requested = 💰 退款 {$amount} 已申请,原路退回{$channel},预计 {$latest} 前到账。
refund-line-processing = 💰 退款 {$amount} 处理中,原路退回{$channel},预计 {$latest} 前到账。
refund-line-succeeded = 💰 退款 {$amount} 已退回{$channel}。
refund-line-failed = 💰 退款 {$amount} 退回{$channel}失败,客服会为您重新发起。
refund-line-instant-requested = 💰 退款 {$amount} 已申请,退回您的{$channel},即时到账。
refund-line-instant = 💰 {$amount} 已退回您的{$channel}。

confirm-title = ❓ 确认取消订单 {$order_no}?
confirm-product = 商品:{$product} × {$quantity}
confirm-yes = ✅ 确认取消
confirm-no = ↩ 不取消了
confirm-kept = 好的,订单 {$order_no} 保持不变。

cancel-done = ✅ 订单 {$order_no} 已取消。
cancel-ask-reason = 方便告诉我们取消原因吗?(可选,不选也没关系)
shop-cancelled = ℹ️ 您的订单 {$order_no}({$product})已由商城取消。
cancel-already = ℹ️ 订单 {$order_no} 已经取消过了,无需重复操作。
cancel-already-toast = 已经取消好了,不用再按。
cancel-not-allowed = ℹ️ 订单 {$order_no} 的状态已变为「{$status}」,现在不能直接取消。
cancel-reason-duplicate = 重复下单
cancel-reason-wrong_info = 信息填错
cancel-reason-changed_mind = 不想要了
cancel-reason-other = 其他
cancel-reason-thanks = 感谢反馈!已记录取消原因:{$reason}。

after-sales-negotiate = 🛠 订单 {$order_no}:商品已发放,无法直接取消。请联系本店客服说明情况,客服可与您协商解决(如更换商品)。
after-sales-return = 🛠 订单 {$order_no}:实物商品请在收到后申请退货退款。请联系本店客服获取退货地址,退货签收后款项原路退回。
after-sales-contact = 🛠 订单 {$order_no} 已完成。如有问题,请联系本店客服处理售后。

press-not-yours = 找不到这个订单,或它不属于您的账号。
press-not-linked = 请先关联您的账号:发送 /start 查看关联方法。
unlinked-hint = 您的账号还没有关联,所以无法查询订单。点下方“📱 用手机号关联”按钮,分享您在本店下单时留的手机号即可关联;发送 /start 查看其他关联方法。
cancel-usage = 发送 /cancel 订单号 直接取消,例如:/cancel KM202611260001。也可以在下面的订单里选择:
wrong-chat = 请在与我的私聊中使用这个功能。

refunds-empty = 💰 您目前没有退款记录。取消已支付的订单后,退款进度会显示在这里。
refunds-header = 💰 您最近的退款({$count} 笔):
refunds-order = 订单 {$order_no}
cancel-shop-confirmed = ✅ 商城已确认:订单 {$order_no} 已取消。
cancel-shop-refused = ℹ️ 订单 {$order_no} 未能取消:商城显示该订单「{$status}」。如仍需取消,可以申请取消,由客服审核。
cancel-delayed = ⏳ 商城暂时还没有确认订单 {$order_no} 的取消。我们会继续向商城确认,结果出来会第一时间通知您;在此期间订单不会被重复扣款或退款。

## The order's history (🕓 记录): one line per change, oldest first, in the shopper's
## timezone. Each timeline-<what> is one kind of change (domain.timeline.AUDIT_ENTRIES);
## timeline-staff-<what>, where given, is how staff's /order words it.

card-timeline = 🕓 记录
timeline-title = 🕓 订单 {$order_no} 的记录
timeline-product = 商品:{$product}
timeline-empty = 暂无记录。
timeline-earlier = (更早的 {$count} 条记录未显示)
timeline-back = ⬅ 返回订单
timeline-line = {$time} {$text}
timeline-when = {$month}月{$day}日 {$time}
timeline-when-year = {$year}年{$month}月{$day}日 {$time}

timeline-order-placed = 您下单了({$amount})
timeline-order-paid = 支付成功:{$amount} · {$channel}
timeline-order-delivered = { $kind ->
    [card_key] 卡密已发放
    [direct_topup] 已充值到账
    [physical] 包裹已签收
   *[other] 商品已发货
}
timeline-order-completed = 订单已完成
timeline-order-cancelled = { $by ->
    [shopper] 您取消了订单
    [staff] 订单已取消(申请已通过)
    [shop] 商城取消了订单
   *[other] 订单已取消
}
timeline-order-cancel-reason = 您填写了取消原因:{$reason}
timeline-order-cancel-requested = 已请商城确认取消
timeline-order-cancel-refused = 商城未能取消订单(商城显示:{$shop_status})
timeline-ticket-filed = { $kind ->
    [activation_check] 您申请核查卡密是否已激活(原因:{$reason})
   *[other] 您提交了取消申请(原因:{$reason})
}
timeline-ticket-approved = 审核通过
timeline-ticket-rejected = 审核未通过:{$reason}
timeline-ticket-exchange_offered = 客服将联系您协商换货
timeline-ticket-withdrawn = 您撤回了申请
timeline-refund-requested = 退款 {$amount} 已申请,将原路退回{$channel}
timeline-refund-submitted = 退款已提交到{$channel}
timeline-refund-succeeded = 退款 {$amount} 已到账({$channel})
timeline-refund-failed = 退款失败:{$reason}
timeline-refund-reinitiated = 退款已重新发起
timeline-refund-shopper-arrived = 您确认退款已到账
timeline-refund-shopper-not-yet = 您反馈退款尚未到账
timeline-refund-shopper-asked = 您请客服重新发起退款
timeline-coupon-returned = 优惠券「{$coupon_title}」已退回
timeline-coupon-not-returned = 优惠券「{$coupon_title}」按规则不退回
timeline-coupon-expired = 优惠券「{$coupon_title}」已过期,未退回
timeline-order-restored = { $by ->
    [shopper] 您恢复了订单,退款已撤回
   *[other] 订单已恢复(客服协助)
}
timeline-order-restore-refused = 商城未同意恢复,订单仍为已取消
timeline-coupon-returned-by-staff = 客服已把优惠券退回您的账户
timeline-case-opened = 您联系了客服
timeline-case-closed = 客服结束了这次咨询
timeline-case-reopened = 咨询重新打开
timeline-refund-voided = 退款已撤回(订单已恢复)
timeline-refund-reopened = 订单再次取消,退款 {$amount} 重新申请

# Only staff see these: steps inside the shop.
timeline-refund-reconciled = 对账文件确认
timeline-satisfaction-asked = 已邀请顾客评价
timeline-satisfaction-not-asked = 未邀请评价(近期已就本单邀请过)
timeline-satisfaction-rated = 顾客评分 {$rating} 星
timeline-satisfaction-skipped = 顾客跳过了评价
timeline-satisfaction-commented = 顾客留言

# Staff's wording where the shopper's speaks to "you".
timeline-staff-order-placed = 下单({$amount})
timeline-staff-order-cancelled = 订单已取消
timeline-staff-order-cancel-reason = 取消原因:{$reason}
timeline-staff-ticket-filed = { $kind ->
    [activation_check] 提交工单:卡密激活核查(原因:{$reason})
   *[other] 提交工单:申请取消(原因:{$reason})
}
timeline-staff-ticket-approved = 同意取消
timeline-staff-ticket-rejected = 拒绝申请:{$reason}
timeline-staff-ticket-exchange_offered = 转协商换货
timeline-staff-ticket-withdrawn = 顾客撤回工单
timeline-staff-refund-shopper-arrived = 顾客确认已到账
timeline-staff-refund-shopper-not-yet = 顾客反馈尚未到账
timeline-staff-refund-shopper-asked = 顾客请客服重新发起退款
timeline-who-shopper = 顾客
timeline-who-staff = 客服 {$name}({$id})
timeline-who-shop = 商城
timeline-who-system = 系统
timeline-note = 　└ {$note}
timeline-order-restore-requested = 已请商城确认恢复订单

staff-reminder = ⏰ 工单 #{$id}(订单 {$order_no})即将到审核截止:{$deadline} {$time},{$left}。请尽快处理。
staff-overdue = ⚠ 工单 #{$id}(订单 {$order_no})已超过审核截止({$deadline} {$time}),顾客还在等待结果。
staff-digest =
    📋 每日汇总 · {$day}
    新工单:{$new}
    已处理:{$decided}
    已超时未处理:{$overdue}
    待到账退款:{$pending}
    退款失败待重新发起:{$failed}

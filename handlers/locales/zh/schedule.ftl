staff-reminder = ⏰ 工单 #{$id}(订单 {$order_no})即将到审核截止:{$deadline} {$time},{$left}。请尽快处理。
staff-overdue = ⚠ 工单 #{$id}(订单 {$order_no})已超过审核截止({$deadline} {$time}),顾客还在等待结果。
staff-digest =
    📋 每日汇总 · {$day}
    新工单:{$new}
    已处理:{$decided}
    已超时未处理:{$overdue}
    待到账退款:{$pending}
    退款失败待重新发起:{$failed}
staff-calendar-wanted =
    📅 还没有 {$year} 年的官方放假安排。现在 {$year} 年的退款到账日和审核截止按法定节假日的规则估算(标为“预计”),调休上班日未计入,可能差一两天。
    国务院办公厅公布 {$year} 年部分节假日安排后,请把全部放假日期(holidays)和调休上班日(workdays)写进 {$env} 指向的 JSON 文件,并在 years 里写上 {$year},然后重启机器人:
    {$example}
    载入之前,每周提醒一次。

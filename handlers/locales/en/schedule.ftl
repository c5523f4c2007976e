staff-reminder = ⏰ Ticket #{$id} (order {$order_no}) is close to its review deadline, {$deadline} {$time}: {$left}. Please decide it soon.
staff-overdue = ⚠ Ticket #{$id} (order {$order_no}) is past its review deadline ({$deadline} {$time}); the shopper is still waiting.
staff-digest =
    📋 Daily digest · {$day}
    New tickets: {$new}
    Decided: {$decided}
    Overdue, still open: {$overdue}
    Refunds on their way: {$pending}
    Failed refunds to re-initiate: {$failed}

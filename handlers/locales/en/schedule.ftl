staff-reminder = ⏰ Ticket #{$id} (order {$order_no}) is close to its review deadline, {$deadline} {$time}: {$left}. Please decide it soon.
staff-overdue = ⚠ Ticket #{$id} (order {$order_no}) is past its review deadline ({$deadline} {$time}); the shopper is still waiting.
staff-digest =
    📋 Daily digest · {$day}
    New tickets: {$new}
    Decided: {$decided}
    Overdue, still open: {$overdue}
    Refunds on their way: {$pending}
    Failed refunds to re-initiate: {$failed}
staff-calendar-wanted =
    📅 {$year}'s official holiday schedule is not loaded yet. Refund dates and review deadlines in {$year} are estimated from the statutory holiday rules (marked "estimated"); make-up working days are not counted, so a date may be a day or two off.
    Once the State Council publishes {$year}'s holiday arrangements, write every day off ("holidays") and every make-up working day ("workdays") into the JSON file {$env} points at, list {$year} under "years", and restart the bot:
    {$example}
    Until then this reminder comes once a week.

"""Repositories, one module per aggregate: read and write rows, hand back domain objects.

They never commit: the use case decides, through the unit of work.
"""

from storage.repositories.audit import SqlAuditLog
from storage.repositories.cancels import SqlCancelRequests
from storage.repositories.cases import SqlCaseRepository, SqlSavedReplies
from storage.repositories.customers import SqlCustomerRepository, SqlLinkTokens, SqlPreferences
from storage.repositories.events import SqlShopEvents
from storage.repositories.imports import upsert_many
from storage.repositories.orders import SqlOrderRepository
from storage.repositories.outbox import SqlOutbox
from storage.repositories.refunds import SqlRefundRepository
from storage.repositories.satisfaction import SqlSatisfaction
from storage.repositories.stats import SqlStats
from storage.repositories.tickets import SqlTicketRepository

__all__ = [
    "SqlAuditLog",
    "SqlCancelRequests",
    "SqlCaseRepository",
    "SqlCustomerRepository",
    "SqlLinkTokens",
    "SqlOrderRepository",
    "SqlOutbox",
    "SqlPreferences",
    "SqlRefundRepository",
    "SqlSatisfaction",
    "SqlSavedReplies",
    "SqlShopEvents",
    "SqlStats",
    "SqlTicketRepository",
    "upsert_many",
]

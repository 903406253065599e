# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the command-line scripts (scripts/settle.py, scripts/import_csv.py)
share: opening the database and acting as a user with the user's
preferences (company, language) as context, as the client would."""
import logging
from contextlib import contextmanager

__all__ = ['open_database', 'as_user', 'run_in_transaction']

logger = logging.getLogger(__name__)


def open_database(database, config_file=None):
    """Load trytond's configuration from config_file (default: the
    environment, TRYTOND_* variables) and return the pool of the database,
    initialised"""
    if config_file:
        from trytond import config
        config.update_etc(config_file)
    from trytond.pool import Pool
    if database not in Pool.database_list():
        Pool(database).init()
    return Pool(database)


@contextmanager
def as_user(pool, transaction, login, **context):
    """Run in the transaction as the user with login, with the user's
    preferences and context as context; yield the company

    Raises UserError when there is no such user or it has no company."""
    from trytond.exceptions import UserError
    User = pool.get('res.user')
    users = User.search([('login', '=', login)])
    if not users:
        raise UserError(f'No user with the login "{login}".')
    user, = users
    with transaction.set_user(user.id):
        preferences = User.get_preferences(context_only=True)
    if not preferences.get('company'):
        raise UserError(f'The user "{login}" has no company.')
    preferences.update(context)
    with transaction.set_user(user.id), transaction.set_context(preferences):
        yield pool.get('company.company')(preferences['company'])


def run_in_transaction(database, function, user=0, lock_tables=()):
    """Run function(transaction) in a new transaction of database and
    return its result; the transaction is committed unless function rolled
    it back.

    When function needs a lock that the transaction did not take first (as
    numbering a document does: Tryton raises a TransactionError), it is run
    again from the start in a transaction that takes it, as trytond's
    server does with a request; function must therefore write nothing
    outside the database.  The tables of lock_tables (names of tables) are
    locked from the start, which saves those runs again."""
    from trytond.cache import Cache
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    if lock_tables:
        extras['_lock_tables'] = list(lock_tables)
    while True:
        with Transaction().start(database, user, **extras) as transaction:
            try:
                return function(transaction)
            except TransactionError as error:
                transaction.rollback()
                transaction.tasks.clear()
                Cache.drop(database)
                error.fix(extras)
                logger.info("%s: run again with the locks %s", database, extras)

# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One activated database for the whole test suite.

Activating Tryton modules is the slowest thing a test does (minutes for
the NTT Mart set, more on PostgreSQL), and trytond caches one database
per distinct module list *and* per list of set-up functions.  Every
ModuleTestCase, scenario and upstream scenario of this repository asks
for a subset of the modules that ``ntt_mart`` activates, so they all run
on that one set: it is activated once per backend (with Indonesian
loaded, which the demo database copied from it needs), cached with
trytond's DB_CACHE (a file on SQLite, a template database on
PostgreSQL) and copied for each test.  A scenario's set-up functions
(``create_company``…) run on a copy and are cached under their own name,
without a second activation.  NTT_MART_TEST_OWN_MODULES=1 gives each test
the module list it asks for, as upstream does.
"""
import functools
import os

SHARED_MODULES = ['ntt_mart']
SHARED_LANGUAGES = ['id']
SHARED_CACHE_NAME = 'ntt-mart-shared--' + '-'.join(SHARED_LANGUAGES)


# the classes of the pool built on the first copy of the shared set: the
# next copies (and the set-up caches made from them) hold the same modules,
# so they get the same classes instead of a new Pool.init (seconds for the
# NTT Mart set, paid by every scenario and test class)
_shared_pool = None


@functools.cache
def shared_module_closure():
    "Return the names of the modules that the shared set activates"
    from trytond.modules import get_module_info
    names, todo = set(), list(SHARED_MODULES)
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.add(name)
        info = get_module_info(name) or {}
        todo.extend(info.get('depends', []))
    return frozenset(names)


def _uses_shared_set(modules, lang='en'):
    if os.environ.get('NTT_MART_TEST_OWN_MODULES'):
        return False
    if isinstance(modules, str):
        modules = [modules]
    return lang == 'en' and set(modules) <= shared_module_closure()


def _restore_db_cache(name):
    """test_tryton.restore_db_cache for the shared set and the caches made
    from it: the database is copied from the cache as upstream does, and
    the pool gets the classes built for the first copy"""
    global _shared_pool
    from trytond import backend
    from trytond.pool import Pool
    from trytond.tests import test_tryton

    if not test_tryton.DB_CACHE:
        return False
    if _shared_pool is None:
        if test_tryton.restore_db_cache(name):
            _keep_pool()
            return True
        return False
    cache_file = test_tryton._db_cache_file(test_tryton.DB_CACHE, name)
    if backend.name == 'sqlite':
        restored = test_tryton._sqlite_copy(cache_file, restore=True)
    elif backend.name == 'postgresql':
        restored = test_tryton._pg_restore(cache_file)
    else:
        restored = False
    if restored:
        classes, modules = _shared_pool
        with Pool._lock:
            Pool._pools[test_tryton.DB_NAME] = classes
            Pool._pool_modules[test_tryton.DB_NAME] = modules
            # Pool() rebinds its instance to the classes above
            Pool._pool_instances.clear()
        Pool(test_tryton.DB_NAME)
    return restored


def _keep_pool():
    "Keep the classes of the pool just built on a copy of the shared set"
    global _shared_pool
    from trytond.pool import Pool
    from trytond.tests import test_tryton
    if os.environ.get('NTT_MART_TEST_NEW_POOL'):
        return
    _shared_pool = (
        Pool._pools[test_tryton.DB_NAME],
        Pool._pool_modules[test_tryton.DB_NAME])


def _get_config():
    """tools._get_config (a proteus configuration), without proteus'
    Pool.start and Pool.init when the pool holds the kept classes: they
    would build the same classes again"""
    from trytond.pool import Pool
    from trytond.tests import test_tryton, tools

    if (_shared_pool is None
            or Pool._pools.get(test_tryton.DB_NAME) is not _shared_pool[0]):
        return tools._get_config()
    start, init = Pool.__dict__['start'], Pool.init

    def kept_init(self, *args, **kwargs):
        if (not args and not kwargs
                and self.database_name == test_tryton.DB_NAME
                and Pool._pools.get(self.database_name) is _shared_pool[0]):
            return
        return init(self, *args, **kwargs)
    Pool.start = classmethod(lambda cls: None)
    Pool.init = kept_init
    try:
        return tools._get_config()
    finally:
        Pool.start = start
        Pool.init = init


def activate_shared_set():
    """Make DB_NAME a fresh copy of the shared activated database,
    activating it (and caching it) the first time"""
    from trytond.tests import test_tryton
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    test_tryton.drop_db()
    if _restore_db_cache(SHARED_CACHE_NAME):
        return
    test_tryton.create_db()
    with Transaction().start(
            test_tryton.DB_NAME, 0, close=True) as transaction:
        pool = Pool()
        Lang = pool.get('ir.lang')
        Module = pool.get('ir.module')
        Lang.write(
            Lang.search([('code', 'in', SHARED_LANGUAGES)]),
            {'translatable': True})
        # ir and res are activated by create_db before the languages are
        # translatable: upgrade them to load their translations, as
        # trytond-admin -l does on a new database
        Module.upgrade(Module.search([('name', 'in', ['ir', 'res'])]))
        Module.activate(Module.search([('name', 'in', SHARED_MODULES)]))
        transaction.commit()
        ActivateUpgrade = pool.get(
            'ir.module.activate_upgrade', type='wizard')
        instance_id, _, _ = ActivateUpgrade.create()
        transaction.commit()
        ActivateUpgrade(instance_id).transition_upgrade()
        ActivateUpgrade.delete(instance_id)
        transaction.commit()
    test_tryton.backup_db_cache(SHARED_CACHE_NAME)


def copy_shared_set(name, directory=None):
    """Create the database name as a copy of the shared activated database:
    in directory on SQLite, from the template database or the dump of
    DB_CACHE on PostgreSQL"""
    import shutil

    from trytond import backend
    from trytond.tests import test_tryton
    if not test_tryton.DB_CACHE:
        raise RuntimeError("the shared set needs DB_CACHE")
    activate_shared_set()
    cache = test_tryton._db_cache_file(
        test_tryton.DB_CACHE, SHARED_CACHE_NAME)
    if backend.name == 'sqlite':
        shutil.copyfile(cache, os.path.join(directory, f'{name}.sqlite'))
    elif test_tryton.DB_CACHE.startswith('postgresql://'):
        from trytond.transaction import Transaction
        template = cache[len(test_tryton.DB_CACHE) + 1:]
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            transaction.database.create(
                transaction.connection, name, template)
    else:
        # DB_CACHE is a folder of pg_dump directories: restore it as
        # trytond's restore_db_cache does
        import subprocess

        from trytond.transaction import Transaction
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            transaction.database.create(transaction.connection, name)
        options, env = test_tryton._pg_options()
        subprocess.run(['pg_restore', '-d', name,
                '-j', test_tryton.DB_CACHE_JOBS, *options, cache],
            env=env, check=True)


def activate_module(modules, lang='en'):
    "test_tryton.activate_module on the shared set when it covers modules"
    if not _uses_shared_set(modules, lang):
        return _activate_module(modules, lang)
    activate_shared_set()


def activate_modules(modules, *setup):
    "tools.activate_modules on the shared set when it covers modules"
    from trytond.tests import test_tryton, tools
    if not _uses_shared_set(modules):
        return _activate_modules(modules, *setup)
    cache_name = SHARED_CACHE_NAME
    if setup_name := '|'.join(tools._func_name(f) for f in setup):
        cache_name += f'--{setup_name}'
        test_tryton.drop_db()
        if _restore_db_cache(cache_name):
            return _get_config()
    activate_shared_set()
    config = _get_config()
    if setup:
        for func in setup:
            func(config=config)
        test_tryton.backup_db_cache(cache_name)
    return config


def install():
    "Route trytond's test activations through the shared set"
    global _activate_module, _activate_modules
    from trytond.tests import test_tryton, tools
    if test_tryton.activate_module is activate_module:
        return
    _activate_module = test_tryton.activate_module
    _activate_modules = tools.activate_modules
    test_tryton.activate_module = activate_module
    tools.activate_modules = activate_modules

# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    outlets = fields.Many2Many(
        'res.user-stock.location.outlet', 'user', 'outlet', "Outlets",
        domain=[
            ('type', '=', 'warehouse'),
            ],
        help="The outlets whose stock documents the user works on.\n"
        "Members of the Outlet Staff group see only these outlets.")
    _get_outlets_cache = Cache(__name__ + '.get_outlets', context=False)

    @classmethod
    def get_outlets(cls):
        "Return the ids of the outlets of the current user"
        user_id = Transaction().user
        outlets = cls._get_outlets_cache.get(user_id)
        if outlets is not None:
            return outlets
        outlets = []
        if user_id:
            with Transaction().set_context(_check_access=False):
                user = cls(user_id)
                outlets = sorted(o.id for o in user.outlets)
        outlets = tuple(outlets)
        cls._get_outlets_cache.set(user_id, outlets)
        return outlets

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._get_outlets_cache.clear()


class UserOutlet(ModelSQL):
    "User - Outlet"
    __name__ = 'res.user-stock.location.outlet'
    user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE', required=True)
    outlet = fields.Many2One(
        'stock.location', "Outlet", ondelete='CASCADE', required=True,
        domain=[
            ('type', '=', 'warehouse'),
            ])

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        User._get_outlets_cache.clear()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "outlets" as list of warehouse ids of the current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_outlets())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['outlets'] = list(User.get_outlets())
        return context

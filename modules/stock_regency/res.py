# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import OutletAccessError


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
    def get_limited_outlets(cls):
        """Return the ids of the outlets the current user is limited to, or
        None when the user works on every outlet: root, a user not in Outlet
        Staff or in Province Staff.

        Function fields are computed without access check: the limit holds
        whether the access is checked or not."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return None
        groups = cls.get_groups()
        outlet_staff = ModelData.get_id('stock_regency', 'group_outlet_staff')
        province_staff = ModelData.get_id(
            'stock_regency', 'group_province_staff')
        if outlet_staff not in groups or province_staff in groups:
            return None
        return cls.get_outlets()

    @classmethod
    def check_outlets(cls, outlets):
        "Refuse outlets (warehouses) that the current user may not act on"
        limited = cls.get_limited_outlets()
        if limited is None:
            return
        others = {int(o) for o in outlets} - set(limited)
        if others:
            Location = Pool().get('stock.location')
            with Transaction().set_context(_check_access=False):
                names = ', '.join(sorted(
                        l.rec_name for l in Location.browse(list(others))))
                mine = ', '.join(sorted(
                        l.rec_name for l in Location.browse(list(limited))))
            raise OutletAccessError(gettext(
                    'stock_regency.msg_outlet_not_yours',
                    outlets=names, own=mine or '-'))

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

# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSingleton, ModelSQL, ModelView, fields)
from trytond.pool import PoolMeta

from stock_regency.bounds import DAYS_MAX, Bound, BoundsMixin

from .exceptions import SupplierProfileError

_amount = dict(digits=(16, 2), required=True)


class Configuration(BoundsMixin, ModelSingleton, ModelSQL, ModelView):
    "UMKM Configuration"
    __name__ = 'party.umkm.configuration'

    turnover_micro = fields.Numeric(
        "Micro Annual Sales", **_amount,
        help="The highest annual sales (IDR) of a micro business "
        "(PP 7/2021: Rp2 billion).")
    turnover_small = fields.Numeric(
        "Small Annual Sales", **_amount,
        help="The highest annual sales (IDR) of a small business "
        "(PP 7/2021: Rp15 billion).")
    turnover_medium = fields.Numeric(
        "Medium Annual Sales", **_amount,
        help="The highest annual sales (IDR) of a medium business "
        "(PP 7/2021: Rp50 billion).")
    capital_micro = fields.Numeric(
        "Micro Business Capital", **_amount,
        help="The highest business capital (IDR, without land and "
        "buildings) of a micro business (PP 7/2021: Rp1 billion).")
    capital_small = fields.Numeric(
        "Small Business Capital", **_amount,
        help="The highest business capital (IDR) of a small business "
        "(PP 7/2021: Rp5 billion).")
    capital_medium = fields.Numeric(
        "Medium Business Capital", **_amount,
        help="The highest business capital (IDR) of a medium business "
        "(PP 7/2021: Rp10 billion).")
    expiring_days = fields.Integer(
        "Expiring Within (days)", required=True,
        domain=[('expiring_days', '>=', 0)],
        help="A certificate is \"expiring\" this many days before "
        "its expiry date.")
    tidak_halal_label = fields.Char(
        "Tidak Halal Label", translate=True,
        help="The statement added to the name of non-halal products "
        "on labels, receipts and reports.\n"
        "Leave empty to add nothing.")

    @classmethod
    def default_turnover_micro(cls):
        return Decimal(2_000_000_000)

    @classmethod
    def default_turnover_small(cls):
        return Decimal(15_000_000_000)

    @classmethod
    def default_turnover_medium(cls):
        return Decimal(50_000_000_000)

    @classmethod
    def default_capital_micro(cls):
        return Decimal(1_000_000_000)

    @classmethod
    def default_capital_small(cls):
        return Decimal(5_000_000_000)

    @classmethod
    def default_capital_medium(cls):
        return Decimal(10_000_000_000)

    @classmethod
    def default_expiring_days(cls):
        return 30

    @classmethod
    def _field_bounds(cls):
        amount = Bound(0, Decimal(10 ** 14))
        return super()._field_bounds() | {
            'expiring_days': Bound(0, DAYS_MAX),
            'turnover_micro': amount,
            'turnover_small': amount,
            'turnover_medium': amount,
            'capital_micro': amount,
            'capital_small': amount,
            'capital_medium': amount,
            }

    @classmethod
    def default_tidak_halal_label(cls):
        return "TIDAK HALAL"

    def get_expiring_days(self):
        if self.expiring_days is None:
            return self.default_expiring_days()
        return self.expiring_days

    def get_thresholds(self, kind):
        "Return the (micro, small, medium) upper limits for turnover/capital"
        return tuple(
            getattr(self, f'{kind}_{size}')
            if getattr(self, f'{kind}_{size}', None) is not None
            else getattr(self, f'default_{kind}_{size}')()
            for size in ['micro', 'small', 'medium'])

    def umkm_class(self, turnover, capital):
        """Return the UMKM class (PP 7/2021 Pasal 35)

        Annual sales decide for existing businesses; the business capital
        only when no sales are known (new businesses).
        """
        if turnover is not None:
            amount, limits = turnover, self.get_thresholds('turnover')
        elif capital is not None:
            amount, limits = capital, self.get_thresholds('capital')
        else:
            return None
        for class_, limit in zip(['mikro', 'kecil', 'menengah'], limits):
            if amount <= limit:
                return class_
        return 'besar'

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        for configuration in configurations:
            for kind in ['turnover', 'capital']:
                limits = configuration.get_thresholds(kind)
                if list(limits) != sorted(limits) or limits[0] < 0:
                    raise SupplierProfileError(gettext(
                            'party_umkm.msg_configuration_thresholds_order'))


class Programme(DeactivableMixin, ModelSQL, ModelView):
    "UMKM Programme"
    __name__ = 'party.umkm.programme'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)

    def get_rec_name(self, name):
        return self.code


class PartyConfiguration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.identifier_types.selection
        if 'id_nik' not in dict(selection):
            # python-stdnum checks NIK with stdnum.id.nik
            selection.append(('id_nik', "Indonesian Identity Number (NIK)"))
            selection.sort(key=lambda s: s[0] or '')

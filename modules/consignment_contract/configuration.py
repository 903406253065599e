# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id

from stock_regency.bounds import (
    DAYS_MAX, QUANTITY_MAX, RATE, Bound, BoundsMixin)

SETTLEMENT_PERIODS = [
    ('weekly', "Weekly"),
    ('two_weekly', "Two-Weekly"),
    ('monthly', "Monthly"),
    ]

STOCK_POLICIES = [
    ('consigned_first', "Consigned Stock First"),
    ('own_first', "Own Stock First"),
    ]


def default_sequence(xml_id):
    @classmethod
    def default(cls, **pattern):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('consignment_contract', xml_id)
        except KeyError:
            return None
    return default


class Configuration(BoundsMixin,
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Consignment Configuration"
    __name__ = 'consignment.configuration'

    contract_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Contract Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=', Id(
                        'consignment_contract',
                        'sequence_type_consignment_contract')),
                ]))
    intake_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Intake Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=', Id(
                        'consignment_contract',
                        'sequence_type_consignment_intake')),
                ]))
    stock_policy = fields.Selection(
        STOCK_POLICIES, "Stock Policy", required=True,
        help="Which stock is sold first when a product is held both as "
        "own stock and on consignment at an outlet.\n"
        "Consignments are always taken oldest intake first.")
    settlement_period = fields.Selection(
        SETTLEMENT_PERIODS, "Default Settlement Period", required=True)
    default_commission = fields.Numeric(
        "Default Commission", digits=(1, 4),
        domain=['OR',
            ('default_commission', '=', None),
            [('default_commission', '>=', 0),
                ('default_commission', '<=', 1)],
            ])
    settlement_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Settlement Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=', Id(
                        'consignment_contract',
                        'sequence_type_consignment_settlement')),
                ]))
    settle_per_outlet = fields.MultiValue(fields.Boolean(
            "Settle per Outlet",
            help="If checked, a supplier gets one settlement per outlet; "
            "otherwise one for all outlets."))
    settlement_deduction_account = fields.MultiValue(fields.Many2One(
            'account.account', "Settlement Deduction Account",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ('type', '!=', None),
                ('closed', '!=', True),
                ],
            help="The revenue account credited with the display fees, "
            "settlement fees and damaged goods deducted from consignors."))
    host_share_account = fields.MultiValue(fields.Many2One(
            'account.account', "Host Share Account",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ('type.expense', '=', True),
                ('closed', '!=', True),
                ],
            help="The expense account debited with what the host "
            "institutions of the outlets receive."))
    write_off_account = fields.MultiValue(fields.Many2One(
            'account.account', "Consigned Write-off Account",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ('type.expense', '=', True),
                ('closed', '!=', True),
                ],
            help="The expense account of consigned goods written off: "
            "debited with their value owed to the consignor and credited "
            "with the consignor's share deducted at settlement, so that "
            "only the company's share of the loss remains.\n"
            "Leave empty to use the product's expense account and the "
            "settlement deduction account."))
    pull_out_expiry_margin = fields.Integer(
        "Pull-out Expiry Margin", required=True,
        domain=[('pull_out_expiry_margin', '>=', 0)],
        help="The number of days before its expiry date from which a lot "
        "is on the pull-out list.")
    intake_quantity_max = fields.Float(
        "Maximum Intake Quantity", required=True,
        help="The largest quantity of one intake line, in the unit of its "
        "product: a larger one is refused as a typing error.")
    till_negative_stock = fields.Boolean(
        "Allow Negative Stock at the Till",
        help="If unchecked, a till sale of more than the own and consigned "
        "stock of the outlet is refused.")

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'contract_sequence', 'intake_sequence',
                'settlement_sequence', 'settle_per_outlet',
                'settlement_deduction_account', 'host_share_account',
                'write_off_account'}:
            return pool.get('consignment.configuration.sequence')
        return super().multivalue_model(field)

    default_contract_sequence = default_sequence(
        'sequence_consignment_contract')
    default_intake_sequence = default_sequence('sequence_consignment_intake')
    default_settlement_sequence = default_sequence(
        'sequence_consignment_settlement')

    @classmethod
    def default_settle_per_outlet(cls, **pattern):
        return False

    @classmethod
    def default_stock_policy(cls):
        return 'consigned_first'

    @classmethod
    def default_settlement_period(cls):
        return 'monthly'

    @classmethod
    def default_pull_out_expiry_margin(cls):
        return 30

    @classmethod
    def default_intake_quantity_max(cls):
        return 100_000

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'default_commission': RATE,
            'pull_out_expiry_margin': Bound(0, DAYS_MAX),
            'intake_quantity_max': Bound(0, QUANTITY_MAX, zero=False),
            }

    @classmethod
    def default_till_negative_stock(cls):
        return True


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    "Consignment Configuration Sequence"
    __name__ = 'consignment.configuration.sequence'

    contract_sequence = fields.Many2One(
        'ir.sequence', "Contract Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=', Id(
                    'consignment_contract',
                    'sequence_type_consignment_contract')),
            ])
    intake_sequence = fields.Many2One(
        'ir.sequence', "Intake Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=', Id(
                    'consignment_contract',
                    'sequence_type_consignment_intake')),
            ])

    default_contract_sequence = default_sequence(
        'sequence_consignment_contract')
    default_intake_sequence = default_sequence('sequence_consignment_intake')
    settlement_sequence = fields.Many2One(
        'ir.sequence', "Settlement Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=', Id(
                    'consignment_contract',
                    'sequence_type_consignment_settlement')),
            ])
    settle_per_outlet = fields.Boolean("Settle per Outlet")
    settlement_deduction_account = fields.Many2One(
        'account.account', "Settlement Deduction Account",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '!=', None),
            ('closed', '!=', True),
            ])
    host_share_account = fields.Many2One(
        'account.account', "Host Share Account",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type.expense', '=', True),
            ('closed', '!=', True),
            ])
    write_off_account = fields.Many2One(
        'account.account', "Consigned Write-off Account",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type.expense', '=', True),
            ('closed', '!=', True),
            ])
    default_settlement_sequence = default_sequence(
        'sequence_consignment_settlement')

    @classmethod
    def default_settle_per_outlet(cls):
        return False

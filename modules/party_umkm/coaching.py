# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import CoachingError


class Coaching(Workflow, ModelSQL, ModelView):
    "Supplier Coaching"
    __name__ = 'party.coaching'

    _states = {
        'readonly': Eval('state').in_(['done', 'cancelled']),
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, ondelete='CASCADE',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    area = fields.Selection([
            ('packaging', "Packaging"),
            ('halal', "Halal"),
            ('bpom', "BPOM"),
            ('spp_irt', "SPP-IRT"),
            ('digital_marketing', "Digital Marketing"),
            ('other', "Other"),
            ], "Programme Area", required=True, states=_states)
    area_string = area.translated('area')
    description = fields.Char("Description", states=_states)
    coach = fields.Many2One(
        'party.party', "Coach", ondelete='RESTRICT', states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The person or institution that coaches the supplier "
        "(pendamping).")
    start_date = fields.Date(
        "Start Date", states=_states,
        domain=[
            If(Bool(Eval('start_date')) & Bool(Eval('end_date')),
                ('start_date', '<=', Eval('end_date')),
                ()),
            ])
    end_date = fields.Date("End Date", states=_states)
    cost = Monetary(
        "Cost", currency='currency', digits='currency', states=_states,
        domain=['OR',
            ('cost', '=', None),
            ('cost', '>=', 0),
            ])
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    outcome = fields.Text("Outcome")
    certificate = fields.Many2One(
        'party.certificate', "Certificate Obtained", ondelete='SET NULL',
        domain=[
            ('supplier', '=', Eval('supplier', -1)),
            ],
        help="The certificate the coaching led to.")
    state = fields.Selection([
            ('planned', "Planned"),
            ('in_progress', "In Progress"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.supplier, Index.Equality())))
        cls._order = [
            ('start_date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('planned', 'in_progress'),
            ('planned', 'cancelled'),
            ('in_progress', 'done'),
            ('in_progress', 'cancelled'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'plan': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['planned', 'in_progress']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'planned'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        return '%s - %s' % (
            self.supplier.rec_name, self.description or self.area_string)

    @classmethod
    def validate_fields(cls, coachings, field_names):
        super().validate_fields(coachings, field_names)
        for coaching in coachings:
            if (coaching.certificate
                    and coaching.certificate.supplier != coaching.supplier):
                raise CoachingError(gettext(
                        'party_umkm.msg_coaching_certificate_supplier',
                        coaching=coaching.rec_name,
                        certificate=coaching.certificate.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, coachings):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, coachings):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        cls.write([c for c in coachings if not c.start_date], {
                'start_date': today,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def finish(cls, coachings):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        cls.write([c for c in coachings if not c.end_date], {
                'end_date': today,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, coachings):
        pass

# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class CreateOutlet(metaclass=PoolMeta):
    __name__ = 'stock.location.create_outlet'

    def create_outlet(self):
        warehouse = super().create_outlet()
        self.create_till(warehouse)
        return warehouse

    def create_till(self, warehouse):
        """Create the till of the new outlet: selling from its storage and
        taking refunds back there, numbered by its own sequence
        (<outlet code>/<year>/<number>), posting to the revenue journal.

        Returns the till, or None without a company in the context (an
        outlet created before the company) or a revenue journal."""
        pool = Pool()
        Company = pool.get('company.company')
        Journal = pool.get('account.journal')
        ModelData = pool.get('ir.model.data')
        POS = pool.get('sale.point')
        SequenceStrict = pool.get('ir.sequence.strict')
        company_id = Transaction().context.get('company')
        journals = Journal.search([('type', '=', 'revenue')], limit=1,
            order=[('id', 'ASC')])
        if not company_id or not journals:
            return None
        company = Company(company_id)
        journal, = journals
        name = gettext('consignment_contract.msg_outlet_till_name',
            outlet=warehouse.name)
        code = warehouse.code or warehouse.name
        sequence = SequenceStrict(
            name=name,
            company=company,
            sequence_type=ModelData.get_id('sale_point', 'sequence_type_sale'),
            prefix=f'{code}/${{year}}/',
            padding=5)
        sequence.save()
        till = POS(
            name=name,
            company=company,
            sequence=sequence,
            journal=journal,
            storage_location=warehouse.storage_location,
            return_location=warehouse.storage_location,
            customer_location=ModelData.get_id('stock', 'location_customer'))
        till.save()
        return till

# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"Tills posting consigned sales at once (PostgreSQL)"
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal

from proteus import Model
from trytond import backend
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

from consignment_contract.exceptions import (
    ConsignmentStockBusyError, ConsignmentStockError)
from consignment_contract.tests.tools import create_outlet, create_pos

# how long a till keeps its transaction open after posting
HOLD = 1.0


def set_up(config):
    """Create two outlets with two tills each and a coffee consigned by a
    roaster: 5 packs at Kupang, 5 at Ende, no own stock"""
    Contract = Model.get('consignment.contract')
    Intake = Model.get('consignment.intake')
    Journal = Model.get('account.journal')
    Location = Model.get('stock.location')
    Party = Model.get('party.party')
    PaymentMethod = Model.get('sale.point.payment.method')
    ProductCategory = Model.get('product.category')
    ProductTemplate = Model.get('product.template')
    ProductUom = Model.get('product.uom')
    Configuration = Model.get('consignment.configuration')

    fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear())
    fiscalyear.click('create_period')
    accounts = get_accounts()
    configuration = Configuration(1)
    configuration.till_negative_stock = False
    configuration.save()

    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    cash = PaymentMethod(name="Tunai", account=accounts['cash'], cash=True)
    cash.save()
    outlets, tills = [], []
    for name, code in [("Kota Kupang", 'KPG'), ("Ende", 'END')]:
        outlet = create_outlet(name, code)
        outlets.append(outlet)
        tills.append([create_pos("Kasir %s %s" % (name, i), outlet, journal)
                for i in (1, 2)])

    category = ProductCategory(name="Barang Dagang", accounting=True)
    category.account_expense = accounts['expense']
    category.account_revenue = accounts['revenue']
    category.save()
    unit, = ProductUom.find([('name', '=', 'Unit')])
    template = ProductTemplate(name="Kopi Bajawa 250 g")
    template.default_uom = unit
    template.type = 'goods'
    template.salable = True
    template.list_price = Decimal('25000')
    template.account_category = category
    template.save()
    coffee, = template.products

    roaster = Party(name="UD Kopi Bajawa")
    roaster.save()
    contract = Contract(supplier=roaster)
    contract.start_date = dt.date.today() - dt.timedelta(days=1)
    contract.default_commission = Decimal('0.2')
    for outlet in outlets:
        contract.outlets.append(Location(outlet.id))
    contract.lines.new(product=coffee)
    contract.click('activate')
    locations = {}
    for outlet in outlets:
        intake = Intake(contract=contract)
        intake.outlet = outlet
        intake.lines.new(product=coffee, quantity=5)
        intake.click('do')
        locations[outlet.id] = intake.location.id
    # The first sale of the month creates the journal's period (table lock)
    Sale = Model.get('sale.point.sale')
    Sale(create_sale(tills[0][0], coffee, 1, cash)).click('post')
    return tills, coffee, cash, locations


def create_sale(till, product, quantity, method):
    "Return the id of a paid till sale, ready to post"
    Sale = Model.get('sale.point.sale')
    sale = Sale(point=till)
    line = sale.lines.new()
    line.product = product
    line.quantity = quantity
    payment = sale.payments.new()
    payment.method = method
    sale.save()
    sale.click('process')
    assert sale.state == 'done', sale.state
    return sale.id


@unittest.skipIf(
    backend.name == 'sqlite',
    "SQLite has one writer at a time: tills cannot post at the same time; "
    "this test needs PostgreSQL (TRYTOND_DATABASE__URI=postgresql://...)")
class TillConcurrencyTestCase(unittest.TestCase):
    "Test tills posting at the same time"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        config = activate_modules(
            'consignment_contract', create_company, create_chart)
        cls.config = config
        cls.company_id = get_company().id
        cls.user_id = config.user
        cls.tills, cls.coffee, cls.cash, cls.locations = set_up(config)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def post_all(self, sale_ids):
        """Post each sale in its own transaction at the same time: the
        others start posting once the first has posted (it holds its locks
        then), and the first keeps its transaction open HOLD seconds after
        posting, whatever the load of the machine.
        Return {sale id: (outcome, time posted or failed)}, time committed
        by the first"""
        barrier = threading.Barrier(len(sale_ids))
        first_posted = threading.Event()
        outcomes, committed = {}, []

        def post(sale_id, first):
            extras = {}
            while True:
                try:
                    return _post(sale_id, first, extras)
                except TransactionError as error:
                    # restart with the locks asked, as the dispatcher does
                    error.fix(extras)

        def _post(sale_id, first, extras):
            with Transaction().start(DB_NAME, self.user_id,
                    context={'company': self.company_id},
                    **extras) as transaction:
                pool = Pool()
                Sale = pool.get('sale.point.sale')
                sale = Sale(sale_id)
                # Take the snapshot before the other till commits
                sale.state
                if not extras:
                    barrier.wait()
                if not first:
                    first_posted.wait(timeout=60)
                try:
                    Sale.post([sale])
                except TransactionError:
                    transaction.rollback()
                    raise
                except Exception as exception:
                    if not isinstance(exception, ConsignmentStockError):
                        exception = repr(exception)
                    outcomes[sale_id] = (exception, time.monotonic())
                    transaction.rollback()
                    if first:
                        first_posted.set()
                    return
                outcomes[sale_id] = ('posted', time.monotonic())
                if first:
                    first_posted.set()
                    time.sleep(HOLD)
                    committed.append(time.monotonic())
                transaction.commit()

        threads = [threading.Thread(target=post, args=(s, not i))
            for i, s in enumerate(sale_ids)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return outcomes, committed[0] if committed else None

    def consigned_stock(self, location_id):
        Product = Model.get('product.product')
        with self.config.set_context(locations=[location_id]):
            return Product(self.coffee.id).quantity

    def test_different_outlets_do_not_wait(self):
        "Tills of two outlets post their consigned sales without waiting"
        (kupang, _), (ende, _) = self.tills
        first = create_sale(kupang, self.coffee, 1, self.cash)
        second = create_sale(ende, self.coffee, 1, self.cash)

        outcomes, committed = self.post_all([first, second])

        self.assertEqual(outcomes[first][0], 'posted')
        self.assertEqual(outcomes[second][0], 'posted')
        # Ende posted while Kupang still held its transaction open
        self.assertLess(outcomes[second][1], committed)

    def test_same_outlet_last_units(self):
        "Two tills of an outlet selling the last units: one sale is posted"
        Sale = Model.get('sale.point.sale')
        (_, _), (ende1, ende2) = self.tills
        location_id = self.locations[ende1.storage_location.warehouse.id]
        held = self.consigned_stock(location_id)
        first = create_sale(ende1, self.coffee, held, self.cash)
        second = create_sale(ende2, self.coffee, held, self.cash)

        outcomes, committed = self.post_all([first, second])

        self.assertEqual(outcomes[first][0], 'posted')
        error, failed = outcomes[second]
        self.assertIsInstance(error, ConsignmentStockError)
        self.assertIn(self.coffee.rec_name, error.message)
        # it waited for the first till, then saw the units were gone
        self.assertGreater(failed, committed)
        self.assertEqual(Sale(first).state, 'posted')
        self.assertEqual(Sale(second).state, 'done')
        self.assertFalse(Sale(second).move)
        self.assertEqual(self.consigned_stock(location_id), 0)

    def test_same_outlet_busy(self):
        "A till kept waiting past its wait gets a message and posts later"
        Sale = Model.get('sale.point.sale')
        (_, _), (ende1, ende2) = self.tills
        location_id = self.locations[ende1.storage_location.warehouse.id]
        held = self.consigned_stock(location_id)
        first = create_sale(ende1, self.coffee, 1, self.cash)
        second = create_sale(ende2, self.coffee, 1, self.cash)

        with Transaction().start(DB_NAME, 0, readonly=True):
            POSSale = Pool().get('sale.point.sale')
        wait = POSSale._stock_lock_wait
        # the first till keeps the units HOLD seconds, longer than the wait
        POSSale._stock_lock_wait = HOLD / 5
        try:
            outcomes, committed = self.post_all([first, second])
        finally:
            POSSale._stock_lock_wait = wait

        self.assertEqual(outcomes[first][0], 'posted')
        error, failed = outcomes[second]
        self.assertIsInstance(error, ConsignmentStockBusyError)
        # gave up before the first till committed
        self.assertLess(failed, committed)
        self.assertEqual(error.message,
            'Till "%s" cannot take 1\u00a0u "%s" now: another till of the '
            'outlet is selling the units of "%s" (%s\u00a0u held). '
            'Post the sale again.' % (
                ende2.rec_name, self.coffee.rec_name,
                Model.get('stock.location')(location_id).rec_name,
                int(held)))
        # nothing of it was posted: posted again, it takes its unit
        second = Sale(second)
        self.assertEqual(second.state, 'done')
        self.assertFalse(second.move)
        second.click('post')
        self.assertEqual(second.state, 'posted')
        self.assertEqual(self.consigned_stock(location_id), held - 2)

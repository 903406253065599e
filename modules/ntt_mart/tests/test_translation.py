# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Everything a role reaches from its menus is in Bahasa Indonesia.

A user holding every role of roles.xml walks, as the client does: the
menus it sees, their actions (windows, their tabs and views,
wizards), the views of the models opened (arch strings, buttons, field
labels, help and selection labels), the views of the lines inside their
forms, the actions, reports and relates of their toolbars, and the
wizards those start.  The messages (ir.message) of the modules met are
read too.  Each string is rendered in English and in Indonesian; one
rendered identical in both has no translation unless it is a word of
both languages (ALLOWED)."""
import re
import unittest
from collections.abc import Mapping

from lxml import etree

from trytond.model.modelstorage import AccessError
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access
from trytond.wizard import StateView

# Strings written the same in English and Indonesian: names, borrowed words
# and abbreviations that Indonesian retail and accounting software keeps
ALLOWED = {
    # borrowed words, spelled the same
    'Avatar', 'Boolean', 'Debit', 'Domain', 'Email', 'Format', 'Global',
    'Label', 'Login', 'Lot', 'Manual', 'Margin', 'Menu', 'Model', 'Operator',
    'Subtotal', 'Total', 'Unit', 'Halal',
    # abbreviations and names of services
    'ID', 'NIB', 'OK', 'PKP', 'SIP', 'Skype', 'UMKM', 'URL',
    # names: the project, institutions, Indonesian legal forms
    'NTT Mart', 'Dekranasda', 'BUMDes', 'Koperasi', 'PT Perorangan',
    'CV (Persekutuan Komanditer)', 'PT (Perseroan Terbatas)',
    'UD (Usaha Dagang)',
    # written in Indonesian in the source on purpose: the printed documents'
    # titles and the halal statement are Indonesian whatever the language
    'Surat Retur Konsinyasi', 'Laporan Konsinyasi', 'Tidak Halal',
    'Konsinyasi — %(supplier)s — %(outlet)s',
    }
# Menus of Tryton's technical administration (models, views, actions,
# scheduler, translations...): the integrator's tools, not a clerk's, and
# left to Tryton's own translation; the administration's users, roles and
# groups (res, user_role) are walked
TECHNICAL_MODULE = 'ir'
# Selections of identifiers that no language translates
IDENTIFIER_SELECTIONS = {
    ('company.company', 'timezone'),
    }
# The placeholders of a message are not words
PLACEHOLDER = re.compile(r'%\(\w+\)[sdifr]|%[sdifr]')
# A string of no letter (a symbol, a number) needs no translation
LETTER = re.compile(r'[^\W\d_]')
# Element attributes the clients show
VIEW_ATTRIBUTES = ('string', 'help', 'confirm')
X2MANY = {'one2many', 'many2many'}


def _needs_translation(text):
    "Tell if text has words that a translation would change"
    words = PLACEHOLDER.sub('', text or '').strip(' "-:—')
    # a single letter is a symbol (the units of a duration)
    return (len(LETTER.findall(words)) > 1
        and words not in ALLOWED and text not in ALLOWED)


class Walk:
    "The strings one user reaches, keyed by where they are shown"

    def __init__(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        self.strings = {}
        # the menu the walk is under: the first that shows a string
        self.menu = None
        self.modules = {'ir', 'res'}
        self.seen = set()
        self.xml_ids = {}
        for data in ModelData.search([
                    ('model', 'in', [
                            'ir.ui.view', 'ir.ui.menu',
                            'ir.action.act_window', 'ir.action.wizard',
                            'ir.action.report',
                            'ir.action.act_window.domain']),
                    ]):
            self.xml_ids[data.model, data.db_id] = (
                f'{data.module}.{data.fs_id}')

    def xml_id(self, model, id_):
        return self.xml_ids.get((model, id_), f'{model},{id_}')

    def add(self, where, text, language):
        if isinstance(text, str):
            strings = self.strings.setdefault(where, {'menu': self.menu})
            strings[language] = text

    def walk(self, language):
        "Walk the menus in language"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        with Transaction().set_context(language=language):
            for menu in Menu.search([]):
                xml_id = self.xml_id('ir.ui.menu', menu.id)
                if (xml_id.startswith(TECHNICAL_MODULE + '.')
                        and menu.parent):
                    continue
                self.menu = xml_id
                self.modules.add(xml_id.split('.')[0])
                self.add(f'menu {xml_id}', menu.name, language)
                if menu.action:
                    self.walk_action(menu.action, language)
            # ir.message has no module field: its module is its xml id's
            self.menu = None
            messages = ModelData.search([
                    ('model', '=', 'ir.message'),
                    ('module', 'in', list(self.modules)),
                    ])
            Message = pool.get('ir.message')
            for data in messages:
                self.add(f'message {data.module}.{data.fs_id}',
                    Message.gettext(data.module, data.fs_id, language),
                    language)

    def walk_action(self, action, language):
        "Walk an ir.action (record) or its value (dict) of the toolbar"
        if not isinstance(action, Mapping):
            try:
                action = action.action.get_action_value()
            except AccessError:
                # an action of other groups: the client refuses it too
                return
        pool = Pool()
        type_ = action['type']
        xml_id = self.xml_id(type_, action['id'])
        key = ('action', xml_id)
        self.add(f'action {xml_id}', action.get('name'), language)
        if (key, language) in self.seen:
            return
        self.seen.add((key, language))
        if type_ == 'ir.action.act_window':
            ActWindow = pool.get('ir.action.act_window')
            for domain in ActWindow(action['id']).act_window_domains:
                self.add(f'action {xml_id} tab '
                    f'{self.xml_id(domain.__name__, domain.id)}',
                    domain.name, language)
            model = action.get('res_model')
            if not model:
                return
            views = action.get('views') or []
            if views:
                for view_id, view_type in views:
                    self.walk_view(model, view_id, view_type, language)
            else:
                for view_type in ['tree', 'form']:
                    self.walk_view(model, None, view_type, language)
            self.walk_toolbar(model, language)
        elif type_ == 'ir.action.wizard':
            self.walk_wizard(action['wiz_name'], language)

    def walk_toolbar(self, model, language):
        pool = Pool()
        Model = pool.get(model)
        toolbar = Model.view_toolbar_get()
        for kind in ['print', 'action', 'relate']:
            for action in toolbar[kind]:
                if kind == 'relate':
                    self.add(
                        f'toolbar {model} relate '
                        f'{self.xml_id(action["type"], action["id"])}',
                        action['name'], language)
                else:
                    self.walk_action(action, language)
        for kind in ['exports', 'emails']:
            for export in toolbar[kind]:
                self.add(f'toolbar {model} {kind} {export["id"]}',
                    export['name'], language)

    def walk_wizard(self, name, language):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Wizard = pool.get(name, type='wizard')
        for state_name, state in Wizard.states.items():
            if not isinstance(state, StateView):
                continue
            where = f'wizard {name} {state_name}'
            # the view of the state, as StateView.get_view finds it (some
            # states build their view from the wizard's records)
            view_id = ModelData.get_id(*state.view.split('.')) \
                if state.view else None
            self.walk_view(state.model_name, view_id, 'form', language)
            for button in state.get_buttons(Wizard, state_name):
                self.add(f'{where} button {button["state"]}',
                    button['string'], language)

    def walk_view(self, model, view_id, view_type, language):
        pool = Pool()
        Model = pool.get(model)
        key = ('view', model, view_id, view_type)
        if (key, language) in self.seen:
            return
        self.seen.add((key, language))
        view = Model.fields_view_get(view_id=view_id, view_type=view_type)
        view_xml_id = self.xml_id('ir.ui.view', view['view_id'])
        if '.' in view_xml_id:
            self.modules.add(view_xml_id.split('.')[0])
        where = f'view {model} {view["type"]} {view_xml_id}'
        arch = etree.fromstring(view['arch'])
        children = []
        for index, element in enumerate(arch.iter()):
            name = element.get('name') or ''
            for attribute in VIEW_ATTRIBUTES:
                self.add(f'{where} <{element.tag} {name}> #{index} '
                    f'{attribute}', element.get(attribute), language)
            field = view['fields'].get(name)
            if (element.tag == 'field' and field
                    and field['type'] in X2MANY and view['type'] == 'form'):
                children.append((field['relation'],
                        element.get('view_ids'),
                        element.get('mode') or 'tree,form'))
        for name, field in sorted(view['fields'].items()):
            for attribute in ['string', 'help']:
                self.add(f'{where} field {name} {attribute}',
                    field.get(attribute), language)
            if (isinstance(field.get('selection'), list)
                    and (model, name) not in IDENTIFIER_SELECTIONS):
                for value, label in field['selection']:
                    self.add(f'{where} field {name} selection {value!r}',
                        label, language)
        for relation, view_ids, mode in children:
            if view_ids:
                for child_id in view_ids.split(','):
                    self.walk_view(relation, int(child_id), None, language)
            else:
                for child_type in mode.split(','):
                    self.walk_view(relation, None, child_type, language)


def collect_untranslated():
    """Return the strings reached by the roles that have no Indonesian
    translation: {(where, English): menu}"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')

    roles = [d.db_id for d in ModelData.search([
                ('module', '=', 'ntt_mart'),
                ('model', '=', 'res.role'),
                ])]
    assert len(roles) == 7, roles
    # Tryton's accesses add up: a user of every role reaches what each
    # role reaches, and the views are read once instead of once per role
    user, = User.create([{
                'name': "All roles",
                'login': 'i18n-all-roles',
                'roles': [('create', [{'role': r} for r in roles])],
                }])
    walk = Walk()
    with Transaction().set_user(user.id), check_access():
        for language in ['en', 'id']:
            walk.walk(language)
    untranslated = {}
    for where, texts in walk.strings.items():
        english, indonesian = texts.get('en'), texts.get('id')
        if english == indonesian and _needs_translation(english):
            untranslated[where, english] = texts['menu']
    return untranslated


class TranslationTestCase(unittest.TestCase):
    "Test the Indonesian translation of what the roles reach"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        test_tryton.drop_db()
        # the shared set of ntt_mart/tests/shared_set.py has 'id' loaded
        test_tryton.activate_module('ntt_mart')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        test_tryton.drop_db()

    @with_transaction()
    def test_roles_reach_indonesian_only(self):
        "Test the strings reached from the roles' menus are in Indonesian"
        untranslated = collect_untranslated()
        if untranslated:
            self.fail('\n%s strings with no Indonesian translation '
                '(where: "English" (first menu showing it)):\n'
                % len(untranslated)
                + '\n'.join(
                    f'{where}: {english!r}' + (f' ({menu})' if menu else '')
                    for (where, english), menu
                    in sorted(untranslated.items())))

# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class NonPKPTaxError(ValidationError):
    "A company that is not PKP charges a tax (PPN) to a customer"
    pass


class ConsignmentConfigurationError(UserError):
    "The consignment clearing or commission account is missing"
    pass


class ConsignmentCommissionError(UserError):
    "The consignment commission cannot be recognised"
    pass

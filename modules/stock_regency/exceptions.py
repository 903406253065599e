# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError, ValidationError


class KemendagriCodeError(ValidationError):
    pass


class OutletValidationError(ValidationError):
    pass


class BoundsValidationError(ValidationError):
    "A numeric value outside the bounds of its field"
    pass


class OutletAccessError(AccessError):
    pass

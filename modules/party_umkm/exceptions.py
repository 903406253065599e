# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class CertificateGatingError(UserError):
    "A document uses products without the valid certificates they require"


class CertificateValidationError(ValidationError):
    pass


class CertificateNumberWarning(UserWarning):
    pass


class SupplierProfileError(ValidationError):
    pass


class CoachingError(ValidationError):
    pass

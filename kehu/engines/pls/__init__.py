"""PLS path modeling for customer satisfaction indices, with IPMA and the improvement ranking.

Pure numpy: no Django, no other Kehu code. Entry points: `PathModel.build`, `prepare`,
`estimate`, `bootstrap`, `ipma`, and `csi_report` for the whole analysis as one JSON object.
"""

from kehu.engines.pls.algorithm import SCHEMES
from kehu.engines.pls.bootstrap import Bootstrap, bootstrap
from kehu.engines.pls.data import MISSING, Prepared, prepare
from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.estimate import Estimate, estimate
from kehu.engines.pls.ipma import QUADRANTS, Ipma, ipma
from kehu.engines.pls.model import PathModel
from kehu.engines.pls.report import csi_report

__all__ = [
    "MISSING", "QUADRANTS", "SCHEMES", "Bootstrap", "Estimate", "Ipma", "ModelError", "PathModel",
    "Prepared", "bootstrap", "csi_report", "estimate", "ipma", "prepare",
]

"""RothC-26.3, the Rothamsted soil carbon model, vectorised over sites or pixels.

Coleman, K. & Jenkinson, D. S. (1996). RothC-26.3 - A model for the turnover of carbon in soil.
In Evaluation of Soil Organic Matter Models, doi:10.1007/978-3-642-61094-3_17. The monthly scheme,
constants and radiocarbon bookkeeping follow the official code (Rothamsted-Models/RothC_Code,
RothC_R, RothC_Py), whose example outputs the tests reproduce to 1e-9 t C/ha.

>>> import numpy as np
>>> from permille.models import rothc
>>> soil = rothc.Soil(clay=[23.4, 40.0], depth=23.0, iom=3.0)
>>> climate = rothc.Forcing(temperature=[4, 4, 6, 8, 11, 14, 16, 16, 14, 10, 6, 4.],
...     rain=[60.] * 12, evaporation=[8, 17, 40, 70, 100, 117, 130, 107, 62, 30, 9, 4.],
...     plant_input=[0, 0, 0, 0, 0, 0, 0, 1.7, 0, 0, 0, 0])
>>> start = rothc.equilibrium(soil, climate)
>>> start.soc.round(2).tolist()
[42.74, 44.39]
"""

from .constants import POOLS, RATE_CONSTANTS
from .inputs import Forcing, Soil
from .model import equilibrium, inputs_for_stock, run, run_years, spin_up
from .soil import co2_ratio, iom_falloon, moisture_thresholds, partition
from .state import Result, State, delta14c, radiocarbon_age
from .validation import RothCInputError

__all__ = [
    "POOLS",
    "RATE_CONSTANTS",
    "Forcing",
    "Result",
    "RothCInputError",
    "Soil",
    "State",
    "co2_ratio",
    "delta14c",
    "equilibrium",
    "inputs_for_stock",
    "iom_falloon",
    "moisture_thresholds",
    "partition",
    "radiocarbon_age",
    "run",
    "run_years",
    "spin_up",
]

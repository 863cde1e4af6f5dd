"""RothC-26.3 constants as the official code has them.

Source: Rothamsted-Models/RothC_Code (``RothC.for``, Apache-2.0), transcribed in
``shared/reference/rothc/rothc_constants_official.csv``; model description: Coleman & Jenkinson (1996),
"RothC-26.3 - A model for the turnover of carbon in soil", doi:10.1007/978-3-642-61094-3_17.
"""

import math

#: Decomposition rate constants of DPM, RPM, BIO and HUM, yr⁻¹ (IOM is inert).
K_DPM, K_RPM, K_BIO, K_HUM = 10.0, 0.3, 0.66, 0.02
RATE_CONSTANTS = (K_DPM, K_RPM, K_BIO, K_HUM)

#: Pools in the order used by every array of this package.
POOLS = ("DPM", "RPM", "BIO", "HUM")

#: Length of the monthly time step, yr.
TSTEP = 1.0 / 12.0

#: Share of decomposed carbon that goes to BIO and HUM (the rest, x/(x+1), is CO2).
BIO_SHARE, HUM_SHARE = 0.46, 0.54

#: Farmyard-manure split into DPM, RPM and HUM (fractions of the FYM carbon).
FYM_DPM, FYM_RPM, FYM_HUM = 0.49, 0.49, 0.02

#: Pan coefficient: accumulated deficit uses rain − 0.75 × open-pan evaporation (mm).
PAN_COEFFICIENT = 0.75

#: Temperature rate modifier: 47.91 / (exp(106.06 / (T + 18.27)) + 1), zero below −5 °C.
TEMP_A, TEMP_B, TEMP_C, TEMP_MIN = 47.91, 106.06, 18.27, -5.0

#: Plant-cover rate modifier (covered, bare).
RM_PC_COVERED, RM_PC_BARE = 0.6, 1.0

#: Moisture modifier lower bound in classic RothC.
RM_MOIST_MIN = 0.2

#: Fractions of the depth-adjusted 15-bar deficit at which RM_Moist starts to fall (1 bar)
#: and below which bare soil cannot dry (classic bare-soil limit = SMDmax / 1.8).
SMD_1BAR_FRACTION, SMD_BARE_FRACTION = 0.444, 0.556

#: Reference topsoil depth of the deficit equation, cm.
SMD_REFERENCE_DEPTH = 23.0

#: Radiocarbon: half-life 5568 yr (decay constant ln2/5568 yr⁻¹), mean life 8035 yr used for Δ14C,
#: and the assumed radiocarbon age of IOM, yr.
C14_DECAY = math.log(2.0) / 5568.0
C14_MEAN_LIFE = 8035.0
IOM_AGE = 50000.0

#: Falloon et al. (1998) doi:10.1016/S0038-0717(97)00256-3: IOM = 0.049 × SOC^1.139 (t C/ha).
FALLOON_A, FALLOON_B = 0.049, 1.139

#: Official spin-up stopping rule: |TOC(Dec) − TOC(previous Dec)| < 1e-6 t C/ha (TOC without IOM).
SPINUP_TOLERANCE = 1e-6

"""Monthly potential evapotranspiration (PET) from monthly mean temperature: Thornthwaite (1948).

Thornthwaite, C. W. (1948): An approach toward a rational classification of climate. Geogr. Rev. 38,
55–94, doi:10.2307/210739; above 26.5 °C the form of Willmott, Rowe & Mintz (1985), J. Climatol. 5,
589–606, doi:10.1002/joc.3370050602. Daylight hours from the solar declination at mid-month
(Cooper 1969). Units: °C in, mm/month out.
"""

import numpy as np

DAYS_IN_MONTH = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
"""Mean days of each month (February 28.25)."""


def daylight_hours(lat_deg) -> np.ndarray:
    """Mean daylight hours of each month at mid-month, shape (12, *lat.shape)."""
    lat = np.asarray(lat_deg, dtype=float)
    mid = np.cumsum(DAYS_IN_MONTH) - DAYS_IN_MONTH / 2
    declination = np.radians(23.44) * np.sin(2 * np.pi * (284 + mid) / 365)
    cos_hour = -np.tan(np.radians(lat))[None, ...] * np.tan(declination).reshape((12,) + (1,) * lat.ndim)
    return 24 / np.pi * np.arccos(np.clip(cos_hour, -1, 1))


def thornthwaite(tmp_c, lat_deg) -> np.ndarray:
    """Monthly PET, mm/month, of monthly mean temperatures ``tmp_c`` (12, …) at latitudes ``lat_deg`` (…):
    16 (10 T / I)^a mm per 30 days of 12 h, T ≤ 0 °C → 0, above 26.5 °C −415.85 + 32.24 T − 0.43 T²,
    scaled by the month's daylight hours / 12 and days / 30."""
    tmp_c = np.asarray(tmp_c, dtype=float)
    t = np.maximum(tmp_c, 0.0)
    heat = ((t / 5.0) ** 1.514).sum(axis=0)
    a = 6.75e-7 * heat**3 - 7.71e-5 * heat**2 + 1.792e-2 * heat + 0.49239
    with np.errstate(divide="ignore", invalid="ignore"):
        unadjusted = np.where(heat > 0, 16.0 * (10.0 * t / heat) ** a, 0.0)
    unadjusted = np.where(tmp_c > 26.5, -415.85 + 32.24 * tmp_c - 0.43 * tmp_c**2, unadjusted)
    days = DAYS_IN_MONTH.reshape((12,) + (1,) * (tmp_c.ndim - 1))
    return unadjusted * daylight_hours(lat_deg) / 12.0 * days / 30.0

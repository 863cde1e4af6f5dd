"""kpis routes (being written; see docs/platform.md)."""

from fastapi import APIRouter

router = APIRouter()

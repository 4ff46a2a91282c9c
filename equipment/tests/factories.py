"""Devices and checklists for equipment tests."""

import itertools

from equipment.models import Device

_serials = itertools.count(1)


def device(world, suitcase, kind=Device.Kind.LAPTOP, **fields):
    values = {"community": world.a, "suitcase": suitcase, "kind": kind, "serial": f"SN-{next(_serials):05d}"}
    values.update(fields)
    return Device.objects.create(**values)

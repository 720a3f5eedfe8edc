"""Item pipelines, one concern each (order in harvester/settings.py), and the guard they share."""

from __future__ import annotations

import functools
import inspect

from harvester.items import Material


def materials_only(process_item):
    """A pipeline step that handles materials only: any other item (EURA register records, about
    pages, repository records) passes through untouched to the store. Sync or async alike."""
    if inspect.iscoroutinefunction(process_item):

        @functools.wraps(process_item)
        async def passing_async(self, item, spider=None):
            if not isinstance(item, Material):
                return item
            return await process_item(self, item, spider)

        return passing_async

    @functools.wraps(process_item)
    def passing(self, item, spider=None):
        if not isinstance(item, Material):
            return item
        return process_item(self, item, spider)

    return passing

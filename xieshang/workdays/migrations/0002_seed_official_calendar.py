"""Seed the holiday table from the official calendar that ``chinese-calendar`` ships."""

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows.append(CalendarDay(date=day, is_workday=False, name=NAMES.get(str(name), str(name or ""))))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows.append(CalendarDay(date=day, is_workday=True, name=NAMES.get(str(name), str(name or "")) + "调休"))
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    for year in range(min(years), max(years) + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

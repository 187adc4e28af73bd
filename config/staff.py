"""The default staff directory: fictitious people, replaced through `staff.*` settings."""

from glossary import StaffDirectory, StaffMember


def _person(staff_id: str, name: str, timezone: str = "Europe/Brussels") -> StaffMember:
    return StaffMember(
        id=staff_id, name=name, email=f"{staff_id}@mieux.example.org", timezone=timezone
    )


DEFAULT_STAFF = StaffDirectory(
    programme_manager=_person("pm.rossi", "Giulia Rossi", "Europe/Vienna"),
    programme_director=_person("pd.novak", "Tomas Novak", "Europe/Vienna"),
    psg={
        "DG_INTPA": [_person("psg.intpa", "DG INTPA desk")],
        "DG_HOME": [_person("psg.home", "DG HOME desk")],
        "EEAS": [_person("psg.eeas", "EEAS desk")],
    },
    project_officers=[
        _person("po.martin", "Claire Martin", "Europe/Vienna"),
        _person("po.okafor", "Ngozi Okafor", "Europe/Vienna"),
        _person("po.silva", "Ana Silva", "Europe/Vienna"),
    ],
    ec_services=[_person("ec.services", "EC services desk")],
)

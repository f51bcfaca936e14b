"""Who may change KOL records (everyone in the section may read what their scope shows)."""

from accounts.roles import Role


def may_edit_kols(user) -> bool:
    return user.is_superuser or user.has_role(Role.MSL, Role.MANAGER)


def may_erase_kols(user) -> bool:
    # Erasure and access requests are a data-protection duty, handled by compliance.
    return user.is_superuser or user.has_role(Role.COMPLIANCE)

"""Dutch vocabulary for the demo portfolio: organisation, project names, people, risk and issue texts.

Plain data, no logic beyond :func:`person_names`. The texts read like a Dutch public-sector PMO's
registers ("Vervanging financieel systeem", "Leverancier levert later dan gepland").
"""

from __future__ import annotations

import numpy as np

# Portfolio -> programmes, departments, project names and the teams whose people work on its projects.
PORTFOLIOS: dict[str, dict[str, tuple[str, ...]]] = {
    "Digitale Dienstverlening": {
        "programmes": ("Digitaal Loket", "Klantcontact 2.0", "Mijn Omgeving"),
        "departments": ("Publiekszaken", "Klantcontactcentrum", "Communicatie"),
        "projects": (
            "Nieuw klantportaal",
            "Digitaal aanvragen vergunningen",
            "Chatbot klantcontactcentrum",
            "Vernieuwing website",
            "Koppeling MijnOverheid",
            "Afsprakenmodule balie",
            "Digitale handtekening",
            "Omnichannel klantcontact",
            "Toegankelijkheid website (WCAG)",
            "Zaakgericht werken publiekszaken",
            "Berichtenbox burgers",
            "App melding openbare ruimte",
        ),
        "objects": ("klantportaal", "website", "e-formulieren", "meldingenapp", "afsprakensysteem", "kennisbank"),
        "teams": ("Ontwikkeling", "Applicatiebeheer", "Business analyse", "Testteam"),
    },
    "Infrastructuur & Huisvesting": {
        "programmes": ("Datacenter & Cloud", "Werkplek van de Toekomst", "Duurzame Huisvesting"),
        "departments": ("Facilitair Bedrijf", "ICT Infrastructuur", "Vastgoed"),
        "projects": (
            "Datacenter migratie",
            "Vervanging netwerkapparatuur",
            "Renovatie stadskantoor",
            "Verduurzaming gebouwen",
            "Uitrol laptops en werkplekken",
            "Migratie naar Microsoft 365",
            "Vernieuwing telefonie",
            "Herinrichting kantoortuinen",
            "Zonnepanelen op daken",
            "Wifi-vernieuwing locaties",
            "Back-up en uitwijk",
            "Toegangsbeheer gebouwen",
        ),
        "objects": ("netwerk", "werkplekken", "datacenter", "kantoorpand", "telefonie", "serverpark"),
        "teams": ("Infrastructuur", "Huisvesting", "Inkoop", "Informatiebeveiliging"),
    },
    "Bedrijfsvoering": {
        "programmes": ("Financiën op Orde", "HR in Beweging", "Slim Inkopen"),
        "departments": ("Financiën", "HRM", "Inkoop & Contractbeheer"),
        "projects": (
            "Vervanging financieel systeem",
            "Implementatie HR-systeem",
            "Digitaal factuurproces",
            "Contractmanagementsysteem",
            "E-learning platform",
            "Harmonisatie arbeidsvoorwaarden",
            "Aanbesteding schoonmaak",
            "Planning- en controlcyclus",
            "Automatisering salarisadministratie",
            "Verzuimregistratie",
            "Inkoopportaal leveranciers",
            "Budgetbeheer afdelingen",
        ),
        "objects": ("financieel systeem", "HR-systeem", "inkoopproces", "salarisadministratie", "urenregistratie"),
        "teams": ("Business analyse", "Applicatiebeheer", "Inkoop", "Testteam"),
    },
    "Informatievoorziening": {
        "programmes": ("Datagedreven Werken", "Informatieveiligheid", "Archief & Informatiebeheer"),
        "departments": ("Informatiemanagement", "Data & Analyse", "Documentaire Informatievoorziening"),
        "projects": (
            "Datawarehouse en dashboards",
            "Implementatie zaaksysteem",
            "E-depot archief",
            "Informatiebeveiliging BIO",
            "Masterdatamanagement",
            "Vervanging documentmanagementsysteem",
            "Privacy en AVG-register",
            "Open data platform",
            "Identity en access management",
            "Digitalisering bouwdossiers",
            "Basisregistratie adressen en gebouwen",
            "Logging en monitoring",
        ),
        "objects": ("datawarehouse", "zaaksysteem", "archief", "documentbeheer", "registers", "rapportages"),
        "teams": ("Data & Analyse", "Informatiebeveiliging", "Ontwikkeling", "Applicatiebeheer"),
    },
}

# Generated names for portfolios larger than the curated lists: "Migratie zaaksysteem".
NAME_ACTIONS = (
    "Vervanging",
    "Migratie",
    "Modernisering",
    "Implementatie",
    "Doorontwikkeling",
    "Uitrol",
    "Aanbesteding",
    "Optimalisatie",
    "Herinrichting",
    "Koppeling",
    "Harmonisatie",
    "Centralisatie",
)

PHASES = ("Initiatie", "Definitie", "Ontwerp", "Realisatie", "Nazorg")
PRIORITIES = ("Hoog", "Middel", "Laag")

# Team -> roles of the people in it.
TEAMS: dict[str, tuple[str, ...]] = {
    "Projectmanagement": ("Projectleider", "Senior projectleider"),
    "Ontwikkeling": ("Developer", "Senior developer", "Scrum master"),
    "Applicatiebeheer": ("Functioneel beheerder", "Applicatiebeheerder"),
    "Business analyse": ("Business analist", "Informatieanalist", "Procesadviseur"),
    "Testteam": ("Testcoördinator", "Tester"),
    "Infrastructuur": ("Netwerkbeheerder", "Systeembeheerder", "Cloud engineer"),
    "Huisvesting": ("Huisvestingsadviseur", "Bouwkundig adviseur"),
    "Inkoop": ("Inkoopadviseur", "Contractmanager"),
    "Informatiebeveiliging": ("Security officer", "Privacy officer"),
    "Data & Analyse": ("Data engineer", "Data-analist", "BI-specialist"),
}
PROJECT_MANAGEMENT_TEAM = "Projectmanagement"
WEEKLY_HOURS = (40.0, 40.0, 40.0, 36.0, 36.0, 32.0, 32.0, 24.0)

FIRST_NAMES = (
    "Anouk", "Bas", "Carla", "Daan", "Eva", "Frank", "Gerda", "Hans", "Inge", "Jeroen", "Karin", "Lars",
    "Marieke", "Niels", "Olga", "Pieter", "Rianne", "Sander", "Tessa", "Ruud", "Yvonne", "Wouter",
    "Annemarie", "Bram", "Claudia", "Dirk", "Esther", "Floris", "Hanneke", "Ivo", "Joost", "Kim",
    "Lotte", "Martijn", "Nicole", "Peter", "Renske", "Sjoerd", "Thijs", "Vera", "Willem", "Fatima",
    "Mohamed", "Yusuf", "Sanne", "Koen", "Mirjam", "Jasper", "Linda", "Arjen", "Ilse", "Maarten",
    "Femke", "Gijs", "Nadia", "Erik", "Saskia", "Tom", "Wendy", "Rob",
)  # fmt: skip
LAST_NAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
    "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Jong", "Schouten",
    "van Beek", "Willems", "van Dijk", "Hoekstra", "Maas", "Verhoeven", "Koster", "Prins", "Blom",
    "Huisman", "Peeters", "de Lange", "Kuipers", "van Vliet", "Post", "Kuiper", "Veenstra", "Yilmaz",
    "El Amrani", "Bouzid", "Wijaya", "Kramer", "van Wijk", "Vink", "Scholten", "Postma", "Martens",
)  # fmt: skip
SPONSORS = (
    "M. van Oosten",
    "J.P. de Ruiter",
    "A. Verbeek-Hofman",
    "R. Hamid",
    "drs. C. van der Plas",
    "E. Zwart",
    "H. Timmermans",
    "S. Claassen",
)

# Category -> (risk title, mitigation) pairs.
RISKS: dict[str, tuple[tuple[str, str], ...]] = {
    "Leverancier": (
        ("Leverancier levert later dan gepland", "Wekelijks voortgangsoverleg en boeteclausule activeren"),
        ("Leverancier gaat failliet of wordt overgenomen", "Escrow-regeling en exit-plan opstellen"),
        ("Licentiekosten hoger dan begroot", "Heronderhandelen en alternatieve licentievorm onderzoeken"),
    ),
    "Techniek": (
        ("Koppeling met zaaksysteem complexer dan verwacht", "Proof of concept vóór de bouw"),
        ("Datamigratie van onvoldoende kwaliteit", "Proefmigraties en opschoonslag in de lijn"),
        ("Prestaties nieuw systeem onvoldoende", "Performancetest in acceptatieomgeving"),
        ("Oude systeem niet tijdig uit te zetten", "Uitfaseringsplan met beheer afstemmen"),
    ),
    "Organisatie": (
        ("Onvoldoende capaciteit bij functioneel beheer", "Tijdelijke inhuur en prioritering in de lijn"),
        ("Draagvlak bij gebruikers laag", "Key-users betrekken en verandercommunicatie"),
        ("Besluitvorming stuurgroep vertraagt", "Besluitpunten vooraf bilateraal afstemmen"),
        ("Afhankelijkheid van ander project", "Gezamenlijke planning en afhankelijkheden bewaken"),
    ),
    "Personeel": (
        ("Sleutelpersoon vertrekt", "Kennis borgen en back-up aanwijzen"),
        ("Schaarste aan specialisten op de arbeidsmarkt", "Raamcontract voor inhuur benutten"),
    ),
    "Financieel": (
        ("Prijsstijging materialen en uurtarieven", "Indexering in contract en risicoreserve"),
        ("Meerwerk door onvolledige eisen", "Wijzigingsprocedure strikt toepassen"),
        ("Subsidie wordt niet toegekend", "Alternatieve dekking voorbereiden"),
    ),
    "Juridisch": (
        ("Bezwaar tegen gunning aanbesteding", "Zorgvuldige gunningsmotivering en juridisch advies"),
        ("Wijziging in wet- en regelgeving", "Ontwikkelingen volgen en scope flexibel houden"),
        ("Vergunning wordt later verleend", "Vroeg vooroverleg met vergunningverlener"),
    ),
    "Beveiliging": (
        ("Beveiligingseisen (BIO) leiden tot extra werk", "Security by design en vroege toets CISO"),
        ("Datalek tijdens migratie", "Versleuteling en DPIA uitvoeren"),
    ),
}

ISSUES = (
    "Testomgeving niet beschikbaar",
    "Leverancier reageert niet op meldingen",
    "Budgetoverschrijding bij externe inhuur",
    "Specificaties onvolledig aangeleverd",
    "Stuurgroep niet voltallig, besluit uitgesteld",
    "Asbest aangetroffen bij sloopwerk",
    "Koppeling met financieel systeem faalt",
    "Sleutelgebruiker langdurig ziek",
    "Levering hardware vertraagd",
    "Acceptatietest afgekeurd",
    "Onduidelijkheid over eigenaarschap data",
    "Conversiefouten in historische gegevens",
    "Capaciteitstekort bij beheer",
    "Scopewijziging door nieuwe wetgeving",
)

# Milestones in lifecycle order; a project takes 3-6 of them, the last one at its planned finish.
MILESTONES = (
    "Projectplan vastgesteld",
    "Programma van eisen gereed",
    "Aanbesteding gegund",
    "Ontwerp goedgekeurd",
    "Realisatie gereed",
    "Acceptatietest afgerond",
    "Livegang",
    "Overdracht aan beheer",
)

# Dutch month names and the three-letter forms finance systems print ("mrt 2026").
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
MONTH_ABBREVIATIONS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct "Firstname Lastname" names; beyond the 3,600 combinations a number is added."""
    combinations = len(FIRST_NAMES) * len(LAST_NAMES)
    picks = rng.permutation(combinations)
    names = []
    for index in range(count):
        pick = int(picks[index % combinations])
        name = f"{FIRST_NAMES[pick // len(LAST_NAMES)]} {LAST_NAMES[pick % len(LAST_NAMES)]}"
        names.append(name if index < combinations else f"{name} {index // combinations + 1}")
    return names

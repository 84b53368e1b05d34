"""Every string Memoria adds to a page, in both languages, plus Babel-backed localisation."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval as babel_format_interval

#: The languages Memoria has texts for (MESSAGES here, the gettext catalog in locale/), and the one
#: its texts fall back to. A site's own languages are the i18n plugin's in mkdocs.yml, checked
#: against these (memoria.addressing); paths and URLs are never derived from this tuple.
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "home.title": {"en": "Archive", "es": "Archivo"},
    "home.intro": {
        "en": "Press releases, event summaries and the recordings this archive keeps.",
        "es": "Comunicados de prensa, resúmenes de eventos y las grabaciones que este archivo conserva.",
    },
    "home.latest_press": {"en": "Latest press releases", "es": "Últimos comunicados"},
    "home.latest_events": {"en": "Latest events", "es": "Últimos eventos"},
    "home.recordings": {"en": "Recordings", "es": "Grabaciones"},
    "home.browse": {"en": "Browse", "es": "Explorar"},
    "section.press": {"en": "Press releases", "es": "Comunicados de prensa"},
    "section.events": {"en": "Events", "es": "Eventos"},
    "section.recordings": {"en": "Recordings", "es": "Grabaciones"},
    "kind.press": {"en": "Press release", "es": "Comunicado de prensa"},
    "kind.events": {"en": "Event", "es": "Evento"},
    "kind.recordings": {"en": "Recording", "es": "Grabación"},
    "listing.topics": {"en": "Topics", "es": "Temas"},
    "listing.countries": {"en": "Countries", "es": "Países"},
    "listing.organisations": {"en": "Organisations", "es": "Organizaciones"},
    "listing.years": {"en": "By year", "es": "Por año"},
    "listing.topic": {"en": "Topic: {name}", "es": "Tema: {name}"},
    "listing.country": {"en": "Country: {name}", "es": "País: {name}"},
    "listing.organisation": {"en": "Organisation: {name}", "es": "Organización: {name}"},
    "listing.year": {"en": "{section}, {year}", "es": "{section}, {year}"},
    "listing.empty": {"en": "Nothing here yet.", "es": "Todavía no hay nada aquí."},
    "listing.count": {"en": "{count} entries", "es": "{count} entradas"},
    "listing.count_one": {"en": "{count} entry", "es": "{count} entrada"},
    "listing.page": {"en": "Page {page} of {pages}", "es": "Página {page} de {pages}"},
    "listing.newer": {"en": "Newer", "es": "Más recientes"},
    "listing.older": {"en": "Older", "es": "Más antiguos"},
    "listing.all": {"en": "See all", "es": "Ver todo"},
    "listing.pagination": {"en": "Pages", "es": "Páginas"},
    "field.date": {"en": "Date", "es": "Fecha"},
    "field.dates": {"en": "Dates", "es": "Fechas"},
    "field.dateline": {"en": "Place", "es": "Lugar"},
    "field.organisations": {"en": "Organisations", "es": "Organizaciones"},
    "field.topics": {"en": "Topics", "es": "Temas"},
    "field.countries": {"en": "Countries", "es": "Países"},
    "field.contacts": {"en": "Contacts", "es": "Contactos"},
    "field.venue": {"en": "Venue", "es": "Lugar"},
    "field.location": {"en": "Location", "es": "Ubicación"},
    "field.organisers": {"en": "Organisers", "es": "Organizadores"},
    "field.sponsors": {"en": "Sponsors", "es": "Patrocinadores"},
    "field.speakers": {"en": "Speakers", "es": "Ponentes"},
    "field.participant_countries": {"en": "Participants from", "es": "Participantes de"},
    "field.documents": {"en": "Documents", "es": "Documentos"},
    "field.language": {"en": "Language of the speech", "es": "Idioma de la grabación"},
    "field.recorded": {"en": "Recorded", "es": "Grabado"},
    "field.duration": {"en": "Duration", "es": "Duración"},
    "field.part": {"en": "Part", "es": "Parte"},
    "field.part_of": {"en": "Part {part} of {parts}", "es": "Parte {part} de {parts}"},
    "field.platform": {"en": "Original platform", "es": "Plataforma original"},
    "field.source_url": {"en": "Original address", "es": "Dirección original"},
    "field.alternate_urls": {"en": "Other copies", "es": "Otras copias"},
    "related.event": {"en": "Event", "es": "Evento"},
    "related.press": {"en": "Press releases", "es": "Comunicados de prensa"},
    "related.recordings": {"en": "Recordings", "es": "Grabaciones"},
    "fallback.notice": {
        "en": "This page has not been translated yet; it is shown in English.",
        "es": "Esta página aún no está traducida; se muestra en inglés.",
    },
    "publication.draft": {"en": "Draft", "es": "Borrador"},
    "publication.draft_text": {
        "en": "Not published: this page appears only in the preview. Remove 'draft: true' to publish it.",
        "es": "Sin publicar: esta página solo aparece en la vista previa. Quite 'draft: true' para publicarla.",
    },
    "publication.draft_body": {
        "en": "Not published: the text still holds the line the tools wrote ('memoria:write' or "
        "'memoria:translate'). Write the text and delete that line to publish it.",
        "es": "Sin publicar: el texto aún tiene la línea que escribieron las herramientas ('memoria:write' o "
        "'memoria:translate'). Escriba el texto y borre esa línea para publicarlo.",
    },
    "publication.scheduled": {"en": "Scheduled", "es": "Programado"},
    "publication.scheduled_text": {
        "en": "Embargoed until {when}: the site shows it from the first build after that moment.",
        "es": "Bajo embargo hasta el {when}: el sitio lo muestra desde la primera construcción después de ese momento.",
    },
    "fallback.notice_in": {
        "en": "This page has not been translated into English yet; it is shown in {language}.",
        "es": "Esta página aún no está traducida al español; se muestra en {language}.",
    },
    "preview.error.title": {"en": "Preview: problems to fix", "es": "Vista previa: problemas por corregir"},
    "preview.error.heading": {
        "en": "The preview cannot show the site: {count} problems to fix",
        "es": "La vista previa no puede mostrar el sitio: {count} problemas por corregir",
    },
    "preview.error.heading_one": {
        "en": "The preview cannot show the site: 1 problem to fix",
        "es": "La vista previa no puede mostrar el sitio: 1 problema por corregir",
    },
    "preview.error.heading_other": {
        "en": "The preview cannot show the site: the build failed",
        "es": "La vista previa no puede mostrar el sitio: la construcción falló",
    },
    "preview.error.file": {"en": "File", "es": "Archivo"},
    "preview.error.line": {"en": "Line", "es": "Línea"},
    "preview.error.field": {"en": "Field", "es": "Campo"},
    "preview.error.fix": {"en": "What is wrong, and what to do", "es": "Qué está mal, y qué hacer"},
    "preview.error.after": {
        "en": "Fix the file and save it: this page turns back into the site by itself.",
        "es": "Corrija el archivo y guárdelo: esta página vuelve a ser el sitio por sí sola.",
    },
    "preview.error.terminal": {
        "en": "The preview shows these problems in the browser until they are fixed.",
        "es": "La vista previa muestra estos problemas en el navegador hasta que se corrijan.",
    },
    "feeds.title": {"en": "Feeds", "es": "Canales RSS y Atom"},
    "feeds.all": {"en": "Whole archive", "es": "Todo el archivo"},
    "feeds.description.all": {
        "en": "Press releases, event summaries and recordings of {site}, newest first.",
        "es": "Comunicados de prensa, resúmenes de eventos y grabaciones de {site}, de lo más reciente a lo más antiguo.",
    },
    "feeds.description.press": {
        "en": "Press releases of {site}, newest first.",
        "es": "Comunicados de prensa de {site}, de lo más reciente a lo más antiguo.",
    },
    "feeds.description.events": {
        "en": "Summaries of the events of {site}, newest first.",
        "es": "Resúmenes de los eventos de {site}, de lo más reciente a lo más antiguo.",
    },
    "feeds.description.recordings": {
        "en": "Recordings kept by {site}, newest first; the archive's own copies come as video enclosures.",
        "es": "Grabaciones que conserva {site}, de la más reciente a la más antigua; las copias del archivo llegan como vídeos adjuntos.",
    },
    "feeds.description.topic": {
        "en": "Everything {site} has published on “{name}”, newest first.",
        "es": "Todo lo que {site} ha publicado sobre «{name}», de lo más reciente a lo más antiguo.",
    },
    "feeds.description.country": {
        "en": "Everything {site} has published concerning {name}, newest first.",
        "es": "Todo lo que {site} ha publicado sobre {name}, de lo más reciente a lo más antiguo.",
    },
    "feeds.scope": {
        "en": "In English.",
        "es": "Solo entradas en español: las que aún no están traducidas aparecen en los canales en inglés.",
    },
    "feeds.what": {
        "en": "A feed is a list of this archive's newest entries in a standard format that feed readers "
        "understand. Add a feed's address to a feed reader (an app or a website that collects feeds) and "
        "new press releases, event summaries and recordings reach you as they are published, without "
        "visiting the site and without giving anyone your e-mail address.",
        "es": "Un canal (feed) es la lista de las entradas más recientes del archivo en un formato estándar "
        "que entienden los lectores de feeds. Añada la dirección de un canal a su lector (una aplicación o "
        "un sitio web que reúne canales) y recibirá los nuevos comunicados, resúmenes de eventos y "
        "grabaciones en cuanto se publiquen, sin visitar el sitio y sin dar a nadie su correo electrónico.",
    },
    "feeds.how": {
        "en": "Each feed comes in several formats with the same entries (Atom, RSS and JSON Feed); most "
        "readers accept any of them. Copy the link of the one you prefer and paste it into your reader. "
        "Opened in a browser, a feed shows as a page with the same entries.",
        "es": "Cada canal existe en varios formatos con las mismas entradas (Atom, RSS y JSON Feed); la "
        "mayoría de los lectores aceptan cualquiera. Copie el enlace del que prefiera y péguelo en su "
        "lector. Abierto en un navegador, un canal se muestra como una página con las mismas entradas.",
    },
    "feeds.scope_page": {
        "en": "These feeds carry the English version of every entry. The Spanish site has feeds of its own.",
        "es": "Estos canales solo incluyen las entradas traducidas al español; las que aún no lo están "
        "aparecen en los canales en inglés.",
    },
    "feeds.group.all": {"en": "The whole archive", "es": "Todo el archivo"},
    "feeds.group.sections": {"en": "By section", "es": "Por sección"},
    "feeds.group.topics": {"en": "By topic", "es": "Por tema"},
    "feeds.group.countries": {"en": "By country", "es": "Por país"},
    "feeds.column.feed": {"en": "Feed", "es": "Canal"},
    "feeds.column.formats": {"en": "Subscribe", "es": "Suscribirse"},
    "feeds.column.entries": {"en": "Entries", "es": "Entradas"},
    "feeds.entries": {"en": "{count} entries", "es": "{count} entradas"},
    "feeds.entries.one": {"en": "1 entry", "es": "1 entrada"},
    "feeds.link_title": {"en": "{name} ({format} feed)", "es": "{name} (canal {format})"},
    "feeds.rights": {"en": "© {site}", "es": "© {site}"},
    "feeds.item.archive": {"en": "The archive's copy", "es": "Copia del archivo"},
    "feeds.status.online": {
        "en": "the archive holds a verified copy; the original is still online.",
        "es": "el archivo conserva una copia verificada; el original sigue en línea.",
    },
    "feeds.status.rescued": {
        "en": "rescued: the archive holds a verified copy; the original is gone or could not be reached.",
        "es": "rescatada: el archivo conserva una copia verificada; el original desapareció o no se pudo llegar a él.",
    },
    "feeds.status.endangered": {
        "en": "endangered: the original is still online, the archive holds no copy yet.",
        "es": "en peligro: el original sigue en línea, el archivo aún no conserva una copia.",
    },
    "feeds.status.lost": {
        "en": "lost: the original is gone and the archive holds no copy.",
        "es": "perdida: el original desapareció y el archivo no conserva una copia.",
    },
    "feeds.status.unknown": {
        "en": "not checked yet: the archive holds no copy yet.",
        "es": "sin comprobar: el archivo aún no conserva una copia.",
    },
    "feeds.status.changed": {
        "en": "changed at origin: the original's bytes differ from a copy the archive held; every version is kept.",
        "es": "cambiada en el origen: los bytes del original difieren de una copia que conservó el archivo; se conservan todas las versiones.",
    },
    "feeds.status.unreachable": {
        "en": "unreachable: the original could not be reached when last checked, and the archive holds no copy yet.",
        "es": "inaccesible: no se pudo llegar al original en la última comprobación, y el archivo aún no conserva una copia.",
    },
    "feeds.status.restricted": {
        "en": "restricted: the original refuses access (a login wall), and the archive holds no copy yet.",
        "es": "restringida: el original niega el acceso (pide iniciar sesión), y el archivo aún no conserva una copia.",
    },
    "feeds.xsl.this_is": {"en": "Feed", "es": "Canal de noticias"},
    "feeds.xsl.subscribe": {
        "en": "This is a feed, for feed readers. To subscribe, copy this address into your feed reader:",
        "es": "Esto es un canal para lectores de feeds. Para suscribirse, copie esta dirección en su lector:",
    },
    "feeds.xsl.what": {
        "en": "What is a feed? Every feed of this archive",
        "es": "¿Qué es un canal? Todos los canales del archivo",
    },
    "feeds.xsl.site": {"en": "Go to the website", "es": "Ir al sitio web"},
    "feeds.xsl.entries": {"en": "Latest entries", "es": "Últimas entradas"},
    "feeds.xsl.read": {"en": "Read on the website", "es": "Leer en el sitio web"},
    "feeds.calendar": {"en": "Events calendar", "es": "Calendario de eventos"},
    "feeds.calendar.how": {
        "en": "The events are also a calendar (iCalendar): add its address to your calendar application "
        "to see every event, or use “Add to calendar” on an event's page for one.",
        "es": "Los eventos también forman un calendario (iCalendar): añada su dirección a su aplicación de "
        "calendario para ver todos los eventos, o use «Añadir al calendario» en la página de un evento.",
    },
    "calendar.name": {"en": "Events · {site}", "es": "Eventos · {site}"},
    "calendar.add": {"en": "Add to calendar", "es": "Añadir al calendario"},
    "calendar.add_title": {
        "en": "Download this event as an iCalendar (.ics) file for your calendar application",
        "es": "Descargar este evento como archivo iCalendar (.ics) para su aplicación de calendario",
    },
    "calendar.more": {"en": "More: {url}", "es": "Más información: {url}"},
    "field.time": {"en": "Time", "es": "Hora"},
    "notfound.title": {"en": "Page not found", "es": "Página no encontrada"},
    "notfound.text": {
        "en": "The page you asked for is not in this archive. Try the search or the home page.",
        "es": "La página que busca no está en este archivo. Pruebe la búsqueda o la portada.",
    },
    "notfound.home": {"en": "Go to the home page", "es": "Ir a la portada"},
    "search.label": {"en": "Search", "es": "Buscar"},
    "search.dialog": {"en": "Search this archive", "es": "Buscar en este archivo"},
    "search.open": {"en": "Open search", "es": "Abrir la búsqueda"},
    "search.reset": {"en": "Clear", "es": "Borrar"},
    "search.placeholder": {"en": "Type to start searching", "es": "Escriba para buscar"},
    "search.loading": {"en": "Loading search…", "es": "Cargando la búsqueda…"},
    "search.none": {"en": "No matching entries", "es": "Ninguna entrada coincide"},
    "search.one": {"en": "1 matching entry", "es": "1 entrada coincide"},
    "search.other": {"en": "{count} matching entries", "es": "{count} entradas coinciden"},
    "search.more": {"en": "Show more results", "es": "Mostrar más resultados"},
    "search.error": {
        "en": "Search could not be loaded. Browse the listings instead.",
        "es": "No se pudo cargar la búsqueda. Consulte los listados.",
    },
    "transcript.summary": {"en": "Transcript ({language})", "es": "Transcripción ({language})"},
    "transcript.summary_plain": {"en": "Transcript", "es": "Transcripción"},
    "status.online": {"en": "Online", "es": "En línea"},
    "status.rescued": {"en": "Rescued", "es": "Rescatada"},
    "status.endangered": {"en": "Endangered", "es": "En peligro"},
    "status.unreachable": {"en": "Unreachable", "es": "Inaccesible"},
    "status.restricted": {"en": "Restricted", "es": "Restringida"},
    "status.changed": {"en": "Changed at origin", "es": "Cambiada en el origen"},
    "status.lost": {"en": "Lost", "es": "Perdida"},
    "status.unknown": {"en": "Not checked", "es": "Sin comprobar"},
    # What each state means, in plain words (recording pages and the states page).
    "status.online.text": {
        "en": "The original is still online, and this archive also keeps a verified copy of its own.",
        "es": "El original sigue en línea y este archivo guarda además una copia propia verificada.",
    },
    "status.rescued.text": {
        "en": "This archive keeps its own copy and checks that it is intact. The original has disappeared "
        "from its platform, or could not be reached when last checked.",
        "es": "Este archivo guarda su propia copia y comprueba que sigue intacta. El original desapareció "
        "de su plataforma, o no se pudo llegar a él en la última comprobación.",
    },
    "status.endangered.text": {
        "en": "The original is still online, but this archive holds no copy yet: if the platform removes "
        "it, the recording may be lost.",
        "es": "El original sigue en línea, pero este archivo aún no tiene una copia: si la plataforma lo "
        "retira, la grabación podría perderse.",
    },
    "status.unreachable.text": {
        "en": "The last time this archive tried, the original's platform did not answer. This is often "
        "temporary; the archive will try again.",
        "es": "La última vez que este archivo lo intentó, la plataforma del original no respondió. Suele "
        "ser pasajero; el archivo volverá a intentarlo.",
    },
    "status.restricted.text": {
        "en": "The original seems to exist, but its platform asks for a login or refuses access, so this "
        "archive could not check or copy it.",
        "es": "El original parece existir, pero su plataforma pide iniciar sesión o niega el acceso, así "
        "que este archivo no pudo comprobarlo ni copiarlo.",
    },
    "status.changed.text": {
        "en": "The platform now serves a file that differs from the copy this archive holds: the original "
        "may have been edited, re-encoded or replaced. The archive keeps the copy it took.",
        "es": "La plataforma sirve ahora un archivo distinto de la copia que guarda este archivo: el "
        "original pudo ser editado, recodificado o sustituido. El archivo conserva la copia que tomó.",
    },
    "status.lost.text": {
        "en": "The original has disappeared and this archive holds no copy. Someone may still have one.",
        "es": "El original desapareció y este archivo no tiene ninguna copia. Puede que alguien aún "
        "conserve una.",
    },
    "status.unknown.text": {
        "en": "This archive has not checked the original yet and holds no copy of it. Its address is "
        "shown as it was published; it may no longer work.",
        "es": "Este archivo aún no ha comprobado el original y no tiene copia. Su dirección se muestra tal "
        "como se publicó; puede que ya no funcione.",
    },
    "states.title": {
        "en": "What the recording states mean",
        "es": "Qué significan los estados de las grabaciones",
    },
    "states.intro": {
        "en": "Recordings of events were often published on streaming platforms that later closed or "
        "removed them. This archive checks each original and keeps its own copy where it can. Each "
        "recording carries one of these states.",
        "es": "Las grabaciones de los eventos se publicaron a menudo en plataformas de streaming que "
        "después cerraron o las retiraron. Este archivo comprueba cada original y guarda su propia "
        "copia cuando puede. Cada grabación lleva uno de estos estados.",
    },
    "states.wayback": {
        "en": "For any recording, the Internet Archive's Wayback Machine may hold captures of the "
        "original page: each recording page links to its list of captures.",
        "es": "Para cualquier grabación, la Wayback Machine del Internet Archive puede tener capturas de "
        "la página original: cada grabación enlaza a su lista de capturas.",
    },
    "states.link": {"en": "What does this mean?", "es": "¿Qué significa esto?"},
    "recording.wayback_listing": {
        "en": "Look for captures of the original in the Internet Archive's Wayback Machine",
        "es": "Buscar capturas del original en la Wayback Machine del Internet Archive",
    },
    "recording.wayback_note": {
        "en": "(a link to web.archive.org; nothing is requested until you follow it)",
        "es": "(un enlace a web.archive.org; no se solicita nada hasta que lo siga)",
    },
    "recording.ask_copy": {"en": "Do you hold a copy?", "es": "¿Tiene usted una copia?"},
    "recording.ask_copy_text": {
        "en": "If you recorded, downloaded or kept this recording, please write to the archive at {contact}.",
        "es": "Si grabó, descargó o guardó esta grabación, escriba al archivo a {contact}.",
    },
    "recording.ask_copy_subject": {"en": "A copy of “{title}”", "es": "Una copia de «{title}»"},
    "recording.dead_link": {
        "en": "dead link: the original is gone",
        "es": "enlace muerto: el original ya no existe",
    },
    "recording.unchecked_link": {
        "en": "not checked: it may no longer work",
        "es": "sin comprobar: puede que ya no funcione",
    },
    "recording.parts_nav": {"en": "Parts of this event", "es": "Partes de este evento"},
    "recording.previous": {"en": "Previous part", "es": "Parte anterior"},
    "recording.next": {"en": "Next part", "es": "Parte siguiente"},
    "player.heading": {"en": "The archive's copy", "es": "La copia del archivo"},
    "player.no_video": {
        "en": "Your browser cannot play this video here; download it below.",
        "es": "Su navegador no puede reproducir este video aquí; descárguelo abajo.",
    },
    "player.no_copy": {
        "en": "This archive holds no copy of this recording yet.",
        "es": "Este archivo aún no conserva una copia de esta grabación.",
    },
    "player.duration": {"en": "Duration", "es": "Duración"},
    "player.download_web": {"en": "Download the video", "es": "Descargar el video"},
    "player.download_original": {
        "en": "Download the original as retrieved",
        "es": "Descargar el original tal como se obtuvo",
    },
    "player.sha256": {"en": "SHA-256", "es": "SHA-256"},
    "player.original": {"en": "Original address", "es": "Dirección original"},
    "player.origin_checked": {
        "en": "{status}{http}, checked {date}",
        "es": "{status}{http}, comprobado el {date}",
    },
    "player.wayback": {
        "en": "Internet Archive capture of {date}",
        "es": "Captura del Internet Archive del {date}",
    },
    "player.platform_title": {
        "en": "Title on the original platform",
        "es": "Título en la plataforma original",
    },
    "player.status_counts": {"en": "Recordings by status", "es": "Grabaciones por estado"},
    "origin.alive": {"en": "online", "es": "en línea"},
    "origin.gone": {"en": "gone", "es": "desaparecida"},
    "origin.restricted": {"en": "refuses access", "es": "niega el acceso"},
    "origin.unreachable": {"en": "not answering", "es": "no responde"},
    # Identity: home page, About page, footer small print.
    "about.title": {"en": "About this archive", "es": "Acerca de este archivo"},
    "about.holds": {"en": "What it holds", "es": "Qué contiene"},
    "about.contact": {"en": "Contact", "es": "Contacto"},
    "about.contact_text": {
        "en": "To correct an entry, offer a copy of a recording or ask about the archive, write to {contact}.",
        "es": "Para corregir una entrada, ofrecer la copia de una grabación o preguntar por el archivo, "
        "escriba a {contact}.",
    },
    "about.privacy": {"en": "Your privacy", "es": "Su privacidad"},
    "about.privacy_text": {
        "en": "These pages load nothing from other sites: no fonts, scripts, trackers or embedded videos. "
        "Recordings play from the archive's own copies, and search runs in your browser.",
        "es": "Estas páginas no cargan nada de otros sitios: ni fuentes, ni scripts, ni rastreadores, ni "
        "videos incrustados. Las grabaciones se reproducen desde las copias del propio archivo y la "
        "búsqueda funciona en su navegador.",
    },
    "about.recordings": {"en": "Recordings and their states", "es": "Las grabaciones y sus estados"},
    "about.feeds": {"en": "Follow the archive with feeds", "es": "Seguir el archivo con canales RSS y Atom"},
    "home.by": {"en": "An archive of {organisation}.", "es": "Un archivo de {organisation}."},
    "home.holds": {
        "en": "It holds {counts}, from {first} to {last}, in {languages}.",
        "es": "Contiene {counts}, de {first} a {last}, en {languages}.",
    },
    "home.holds_one_year": {
        "en": "It holds {counts}, from {first}, in {languages}.",
        "es": "Contiene {counts}, de {first}, en {languages}.",
    },
    "home.about": {"en": "About this archive", "es": "Acerca de este archivo"},
    "count.press": {"en": "{count} press releases", "es": "{count} comunicados de prensa"},
    "count.press.one": {"en": "1 press release", "es": "1 comunicado de prensa"},
    "count.events": {"en": "{count} event summaries", "es": "{count} resúmenes de eventos"},
    "count.events.one": {"en": "1 event summary", "es": "1 resumen de evento"},
    "count.recordings": {"en": "{count} recordings", "es": "{count} grabaciones"},
    "count.recordings.one": {"en": "1 recording", "es": "1 grabación"},
    "footer.guide": {"en": "Staff guide", "es": "Guía para el equipo"},
    "footer.about": {"en": "About", "es": "Acerca de"},
    "footer.states": {"en": "Recording states", "es": "Estados de las grabaciones"},
    "footer.copyright": {
        "en": "© {organisation}. Fictional entries are marked as such.",
        "es": "© {organisation}. Las entradas ficticias se señalan como tales.",
    },
    "footer.made_with": {
        "en": "Made with Memoria and Material for MkDocs",
        "es": "Hecho con Memoria y Material for MkDocs",
    },
    "footer.small_print": {"en": "About the archive", "es": "Sobre el archivo"},
    "fallback.marker": {"en": "(in English)", "es": "(en inglés)"},
    "fallback.marker.en": {"en": "(in English)", "es": "(en inglés)"},
    "fallback.marker.es": {"en": "(in Spanish)", "es": "(en español)"},
    # Cite and share.
    "cite.heading": {"en": "Cite this", "es": "Citar esta página"},
    "cite.accessed": {"en": "accessed {date}", "es": "consultado el {date}"},
    "cite.permalink": {"en": "Permanent link", "es": "Enlace permanente"},
    "cite.csl": {"en": "Download CSL-JSON", "es": "Descargar CSL-JSON"},
    "cite.bibtex": {"en": "Download BibTeX", "es": "Descargar BibTeX"},
    "share.heading": {"en": "Share", "es": "Compartir"},
    "share.email": {"en": "E-mail", "es": "Correo"},
    "share.whatsapp": {"en": "WhatsApp", "es": "WhatsApp"},
    "share.telegram": {"en": "Telegram", "es": "Telegram"},
    "share.signal_note": {
        "en": "These are plain links: nothing is loaded from these services until you follow one.",
        "es": "Son enlaces simples: no se carga nada de estos servicios hasta que siga uno.",
    },
    # Transcripts.
    "transcript.download_vtt": {"en": "Download captions (WebVTT)", "es": "Descargar subtítulos (WebVTT)"},
    "transcript.download_txt": {"en": "Download transcript (text)", "es": "Descargar transcripción (texto)"},
    "transcript.seek": {"en": "Play from {time}", "es": "Reproducir desde {time}"},
    # The search results page and result details.
    "search.page_title": {"en": "Search", "es": "Buscar"},
    "search.page_intro": {
        "en": "Search the archive's press releases, event summaries and recordings, including what was "
        "said in them. The address of this page keeps your search and filters, so you can share it.",
        "es": "Busque en los comunicados, los resúmenes de eventos y las grabaciones del archivo, incluido "
        "lo que se dijo en ellas. La dirección de esta página guarda su búsqueda y sus filtros, así que "
        "puede compartirla.",
    },
    "search.submit": {"en": "Search", "es": "Buscar"},
    "search.filters": {"en": "Filter results", "es": "Filtrar resultados"},
    "search.filter.kind": {"en": "Kind", "es": "Tipo"},
    "search.filter.year": {"en": "Year", "es": "Año"},
    "search.filter.country": {"en": "Country", "es": "País"},
    "search.filter.topic": {"en": "Topic", "es": "Tema"},
    "search.all_results": {"en": "All results and filters", "es": "Todos los resultados y filtros"},
    "search.moment": {"en": "Said at {time}", "es": "Dicho en {time}"},
    "search.needs_script": {
        "en": "Search runs in your browser and needs JavaScript. Browse the listings instead.",
        "es": "La búsqueda funciona en su navegador y necesita JavaScript. Consulte los listados.",
    },
    "player.version": {"en": "Version shown", "es": "Versión mostrada"},
    "player.earlier": {
        "en": "Earlier versions the archive keeps",
        "es": "Versiones anteriores que conserva el archivo",
    },
    "player.earlier_item": {
        "en": "Version {number}, retrieved {date} ({via}), {size}",
        "es": "Versión {number}, obtenida el {date} ({via}), {size}",
    },
    "player.changed": {
        "en": "The original's bytes changed at its origin (noticed {date}); every version is kept.",
        "es": "Los bytes del original cambiaron en su origen (detectado el {date}); se conservan todas las versiones.",
    },
    "player.via.source": {"en": "from the original address", "es": "de la dirección original"},
    "player.via.alternate": {"en": "from an alternate address", "es": "de una dirección alternativa"},
    "player.via.wayback": {"en": "from the Internet Archive", "es": "del Internet Archive"},
    "player.via.import": {
        "en": "given by someone who held a copy",
        "es": "entregada por quien tenía una copia",
    },
    # content policy (memoria.content_policy): what `memoria check`, the build and the preview report
    "policy.script": {
        "en": "<script>: a script would run in every reader's browser — remove it (pages carry no scripts of their own)",
        "es": "<script>: un script se ejecutaría en el navegador de cada lector — elimínelo (las páginas no llevan scripts propios)",
    },
    "policy.handler": {
        "en": "{where}: an event handler is a script that runs in the reader's browser — remove the attribute",
        "es": "{where}: un manejador de eventos es un script que se ejecuta en el navegador del lector — elimine el atributo",
    },
    "policy.scheme": {
        "en": "{where}: a {scheme} address ({url}) runs or hides content in the reader's browser — link to a page or a file of the archive instead",
        "es": "{where}: una dirección {scheme} ({url}) ejecuta u oculta contenido en el navegador del lector — enlace a una página o a un documento del archivo",
    },
    "policy.remote": {
        "en": "{where}: loads {url} from {host}, so every reader's browser would contact that host — save the file in docs/ and use a relative path, link to it instead, or allow the host under allow_embeds: in mkdocs.yml",
        "es": "{where}: carga {url} desde {host}, así que el navegador de cada lector contactaría ese servidor — guarde el archivo en docs/ y use una ruta relativa, enlácelo en su lugar o permita el servidor en allow_embeds: de mkdocs.yml",
    },
    "policy.frame": {
        "en": "<{tag}>: shows another site's page inside this one, which loads it in every reader's browser — link to it instead ([title](https://…)), or allow its host under allow_embeds: in mkdocs.yml (iframes only)",
        "es": "<{tag}>: muestra la página de otro sitio dentro de esta, que se carga en el navegador de cada lector — enlácela en su lugar ([título](https://…)) o permita su servidor en allow_embeds: de mkdocs.yml (solo iframes)",
    },
    "policy.form": {
        "en": "<{tag}>: forms send what readers type somewhere — remove it; give an e-mail address or link to a contact page instead",
        "es": "<{tag}>: los formularios envían lo que escriben los lectores a otra parte — elimínelo; indique un correo o enlace a una página de contacto",
    },
    "policy.page_tag": {
        "en": "<{tag}>: changes how the whole page loads (base address, refresh, stylesheets) — remove it; page settings belong in mkdocs.yml",
        "es": "<{tag}>: cambia cómo se carga toda la página (dirección base, recarga, hojas de estilo) — elimínelo; la configuración va en mkdocs.yml",
    },
    "policy.css_script": {
        "en": "{where}: CSS that runs code (expression, behavior, -moz-binding) — remove it",
        "es": "{where}: CSS que ejecuta código (expression, behavior, -moz-binding) — elimínelo",
    },
    "policy.mermaid": {
        "en": "Mermaid diagram: the theme would load Mermaid's script from unpkg.com in every reader's browser — draw the diagram as an SVG or PNG file in docs/ and include it as an image",
        "es": "diagrama Mermaid: el tema cargaría el script de Mermaid desde unpkg.com en el navegador de cada lector — dibuje el diagrama como archivo SVG o PNG en docs/ e inclúyalo como imagen",
    },
    "build.unchanged": {
        "en": "nothing was published: the site in {site_dir} is unchanged",
        "es": "no se publicó nada: el sitio en {site_dir} no ha cambiado",
    },
    "policy.symlink": {
        "en": "symbolic link to {target}, outside {folder}/: whatever it points at would be published — copy the file into {folder}/ or remove the link",
        "es": "enlace simbólico a {target}, fuera de {folder}/: se publicaría lo que señala — copie el archivo dentro de {folder}/ o elimine el enlace",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """Translate `key` into `lang`, falling back to English, formatting `values` in."""
    try:
        table = MESSAGES[key]
    except KeyError as error:
        raise KeyError(f"no translation for message {key!r}") from error
    text = table.get(lang) or table[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def terminal_language() -> str:
    """The language of the person at the terminal: the same rule as `editor_language` (MEMORIA_LANG,
    which `memoria --ui-lang` sets, then the locale), English by default."""
    return editor_language(os.environ)


@cache
def messages_for(lang: str) -> Mapping[str, str]:
    """The whole table in one language, for templates (built once per language, read-only)."""
    return MappingProxyType({key: t(key, lang) for key in MESSAGES})


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@lru_cache(maxsize=65536)  # the same dates recur on every listing and related-entry link
def format_date(value: dt.date, lang: str) -> str:
    """A date as a reader of `lang` writes it: '25 August 2014', '25 de agosto de 2014'."""
    pattern = "d MMMM y"
    if lang == "es":
        pattern = "d 'de' MMMM 'de' y"
    return babel_format_date(value, format=pattern, locale=_locale(lang))


def editor_language(environ: Mapping[str, str]) -> str:
    """The language staff work in: MEMORIA_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE)."""
    for name in ("MEMORIA_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(name, "").strip()
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            code = value.split(":")[0].split("_")[0].split(".")[0].split("-")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def fallback_notice(lang: str, shown: str) -> str:
    """The notice above a page readers of `lang` get in `shown`, another language."""
    if shown == DEFAULT_LANGUAGE:
        return t("fallback.notice", lang)
    return t("fallback.notice_in", lang, language=language_name(shown, lang))


def format_moment(value: dt.datetime, lang: str) -> str:
    """A moment in the offset it was written with: '10 December 2026, 09:00 (UTC-06:00)'."""
    offset = value.strftime("%z")
    shown = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{format_date(value.date(), lang)}, {value:%H:%M} ({shown})"


def format_date_range(start: dt.date, end: dt.date | None, lang: str) -> str:
    """A single date, or a range that names month and year once: '18–19 March 2015', '18–19 de marzo de 2015'."""
    if end is None or end == start:
        return format_date(start, lang)
    locale = _locale(lang)
    if "yMMMMd" in locale.interval_formats:  # Spanish: CLDR knows the full-month range
        return babel_format_interval(start, end, "yMMMMd", locale=locale)
    # English CLDR has only abbreviated month ranges ("Mar 18 – 19, 2015"): write the long form.
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, lang)}"
    if start.year == end.year:
        return f"{babel_format_date(start, format='d MMMM', locale=locale)} – {format_date(end, lang)}"
    return f"{format_date(start, lang)} – {format_date(end, lang)}"


def country_name(code: str, lang: str) -> str:
    """The localised name of an ISO 3166 alpha-2 code."""
    return _locale(lang).territories.get(code.upper(), code.upper())


#: two-letter codes CLDR names that are not countries (unknown region, outlying Oceania, EU, UN)
_NOT_COUNTRIES = frozenset({"ZZ", "QO", "EU", "EZ", "UN"})


def is_country_code(code: str) -> bool:
    """True for an ISO 3166 alpha-2 country code Babel knows (not a region or grouping)."""
    upper = code.upper()
    return (
        len(code) == 2
        and code.isalpha()
        and upper not in _NOT_COUNTRIES
        and upper in _locale("en").territories
    )


def language_name(code: str, lang: str) -> str:
    """The localised name of an ISO 639-1 language code, e.g. 'español'."""
    return _locale(lang).languages.get(code, code)


def is_language_code(code: str) -> bool:
    """True for a two-letter language code Babel knows."""
    return len(code) == 2 and code in _locale("en").languages


def format_duration(seconds: int) -> str:
    """Seconds as H:MM:SS (or M:SS), the same in both languages."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

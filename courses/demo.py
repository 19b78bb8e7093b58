"""Demo course content for `manage.py seed_demo`: the catalogue in es/en/fr and five courses. Idempotent.

The content is data (the module-level structures below); `seed_courses` writes it into the page tree:

    HomePage (es, en, fr) → CatalogPage → CoursePage → ModulePage → LessonPage

Spanish pages are looked up by slug under their parent, translations by translation key and locale (they are
created with `copy_for_translation`, so they share the Spanish page's translation key). A page is saved and
republished only when it is new, not live, has unpublished changes or differs from the data, so a second run
changes nothing.

Each language version of a page is a dict of field values; its "slug" is the page's slug in that language.
Courses without an "en" version exist only in Spanish (the catalogue marks them in /en/ and /fr/).
"""

from collections import Counter
from decimal import Decimal

from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from accounts.models import User
from courses.models import Audience, CatalogPage, CoursePage, EnrolmentPolicy, LessonPage, Level, Modality, ModulePage
from crm.models import ActionPlanLine, Network, Topic
from home.models import HomePage

TRAINER_EMAIL = "formadora@demo.campus-crm.org"


# --- Lesson body blocks (see courses/blocks.py) --------------------------------------------------------------------

def heading(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def text(*paragraphs: str) -> tuple:
    return ("paragraph", RichText("".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)))


def bullets(*items: str, ordered: bool = False) -> tuple:
    tag = "ol" if ordered else "ul"
    return ("paragraph", RichText(f"<{tag}>{''.join(f'<li>{item}</li>' for item in items)}</{tag}>"))


def key_points(title: str, *items: str) -> tuple:
    return ("callout", {"kind": "key_points", "title": title,
                        "body": RichText(f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>")})


def note(title: str, paragraph: str) -> tuple:
    return ("callout", {"kind": "note", "title": title, "body": RichText(f"<p>{paragraph}</p>")})


def warning(title: str, paragraph: str) -> tuple:
    return ("callout", {"kind": "warning", "title": title, "body": RichText(f"<p>{paragraph}</p>")})


def quiz(block_id: str, title: str, intro: str, questions: list, *, pass_mark: int = 80,
         max_attempts: int = 3) -> dict:
    """A quiz block in stored (JSON) form with fixed ids, so attempts keep pointing at the same questions when the
    demo is reseeded. A lesson body holding it must be in the same form.

    `questions`: (id, kind, text, feedback, [(choice id, text, correct, feedback), ...]).
    """
    def item(item_id: str, value: dict) -> dict:
        return {"type": "item", "id": item_id, "value": value}

    raw = {
        "title": title, "intro": f"<p>{intro}</p>", "pass_mark": pass_mark, "max_attempts": max_attempts,
        "shuffle_questions": False, "shuffle_choices": True,
        "questions": [
            item(q_id, {"kind": kind, "text": q_text, "feedback": f"<p>{q_feedback}</p>", "choices": [
                item(c_id, {"text": c_text, "correct": correct, "feedback": c_feedback})
                for c_id, c_text, correct, c_feedback in choices
            ]})
            for q_id, kind, q_text, q_feedback, choices in questions
        ],
    }
    return {"type": "quiz", "id": block_id, "value": raw}


def outcomes(*lines: str) -> str:
    """Learning outcomes are stored one per line."""
    return "\n".join(lines)


# --- The catalogue ---------------------------------------------------------------------------------------------------

CATALOG = {
    "es": {
        "slug": "cursos",
        "title": "Catálogo de cursos",
        "intro": "<p>Cursos en línea de la Conferencia Regional sobre Migración para el personal de migración y "
                 "consular de los países miembros. Filtre por línea del Plan de Acción, tema, idioma, modalidad "
                 "o duración.</p>",
    },
    "en": {
        "slug": "courses",
        "title": "Course catalogue",
        "intro": "<p>Online courses of the Regional Conference on Migration for the immigration and consular "
                 "officials of its member states. Filter by Action Plan line, topic, language, format or "
                 "length.</p>",
    },
    "fr": {
        "slug": "cours",
        "title": "Catalogue des cours",
        "intro": "<p>Cours en ligne de la Conférence régionale sur les migrations pour les fonctionnaires des "
                 "migrations et des services consulaires des États membres. Filtrez par ligne du Plan d'action, "
                 "thème, langue, modalité ou durée.</p>",
    },
}


# --- Courses ---------------------------------------------------------------------------------------------------------
# Each course: classification and enrolment settings shared by all its language versions ("line", "topics",
# "network", "settings"), the text of each language version ("es", optional "en") and its modules, each with
# its lessons. A module or lesson has an "en" version exactly when its course has one.

# The trafficking course ends with a final assessment (a server-graded quiz): passing it completes the course.
TRAFFICKING_FINAL_MODULE = {
    "es": {
        "slug": "evaluacion-final",
        "title": "Evaluación final",
        "summary": "Cinco preguntas sobre la definición, los indicadores y la primera respuesta. Se aprueba con el "
                   "80 % y hay tres intentos.",
    },
    "en": {
        "slug": "final-assessment",
        "title": "Final assessment",
        "summary": "Five questions on the definition, the indicators and the first response. The pass mark is "
                   "80 % and there are three attempts.",
    },
    "lessons": [
        {
            "es": {
                "slug": "evaluacion-final-trata",
                "title": "Evaluación final del curso",
                "final_assessment": True,
                "body": [
                    quiz(
                        "final-trata", "Evaluación final",
                        "Responda las cinco preguntas. Necesita el 80 % para completar el curso; cuenta su mejor "
                        "intento.",
                        [
                            ("q1", "single", "¿Cuáles son los tres elementos de la definición de trata del "
                             "Protocolo de Palermo?",
                             "La trata combina una acción, unos medios y un fin de explotación.",
                             [("q1a", "Acción, medios y fin de explotación", True, ""),
                              ("q1b", "Cruce irregular, pago y documentos falsos", False,
                               "Eso describe más bien el tráfico ilícito de migrantes."),
                              ("q1c", "Origen, tránsito y destino", False, "")]),
                            ("q2", "true_false", "Si una persona adulta aceptó viajar, no puede ser víctima de "
                             "trata aunque la hayan engañado.",
                             "El consentimiento es irrelevante cuando se usaron medios como el engaño o la "
                             "coacción.",
                             [("q2a", "Verdadero", False, ""), ("q2b", "Falso", True, "")]),
                            ("q3", "multiple", "¿Cuáles de estos son indicadores de posible trata en el control "
                             "migratorio? Marque todos los que correspondan.",
                             "Ningún indicador prueba la trata por sí solo; varios juntos justifican una "
                             "entrevista en privado.",
                             [("q3a", "Otra persona tiene sus documentos de identidad", True, ""),
                              ("q3b", "Debe al organizador del viaje una suma que no puede pagar", True, ""),
                              ("q3c", "Relatos aprendidos o contradictorios sobre el empleo prometido", True, ""),
                              ("q3d", "Viaja con un boleto de regreso comprado por ella misma", False,
                               "Un boleto de regreso propio no es un indicador de trata.")]),
                            ("q4", "single", "Cuando la persona es menor de 18 años, ¿qué basta para que haya "
                             "trata?",
                             "En niñas, niños y adolescentes no hace falta probar los medios.",
                             [("q4a", "La acción y el fin de explotación", True, ""),
                              ("q4b", "Los tres elementos, como en las personas adultas", False, ""),
                              ("q4c", "Que haya cruzado una frontera", False, "")]),
                            ("q5", "single", "Ante una posible víctima en el puesto fronterizo, ¿qué hace "
                             "primero?",
                             "La seguridad de la persona va antes que cualquier trámite.",
                             [("q5a", "Separarla del acompañante y garantizar su seguridad", True, ""),
                              ("q5b", "Preguntarle por los indicadores delante de su acompañante", False,
                               "Eso puede ponerla en peligro."),
                              ("q5c", "Negarle la entrada y devolverla a su país", False,
                               "Devolverla sin evaluar su situación puede dejarla en manos de quien la explota.")]),
                        ],
                    ),
                ],
            },
            "en": {
                "slug": "trafficking-final-assessment",
                "title": "Course final assessment",
                "final_assessment": True,
                "body": [
                    quiz(
                        "final-trata", "Final assessment",
                        "Answer the five questions. You need 80 % to complete the course; your best attempt "
                        "counts.",
                        [
                            ("q1", "single", "What are the three elements of the Palermo Protocol definition of "
                             "trafficking?",
                             "Trafficking combines an act, a means and a purpose of exploitation.",
                             [("q1a", "Act, means and purpose of exploitation", True, ""),
                              ("q1b", "Irregular crossing, payment and false documents", False,
                               "That rather describes migrant smuggling."),
                              ("q1c", "Origin, transit and destination", False, "")]),
                            ("q2", "true_false", "An adult who agreed to travel cannot be a victim of trafficking, "
                             "even if they were deceived.",
                             "Consent is irrelevant once means such as deception or coercion were used.",
                             [("q2a", "True", False, ""), ("q2b", "False", True, "")]),
                            ("q3", "multiple", "Which of these are indicators of possible trafficking at "
                             "immigration control? Tick all that apply.",
                             "No indicator proves trafficking on its own; several together justify a private "
                             "interview.",
                             [("q3a", "Someone else holds their identity documents", True, ""),
                              ("q3b", "They owe the trip organiser a sum they cannot repay", True, ""),
                              ("q3c", "Rehearsed or contradictory accounts of the promised job", True, ""),
                              ("q3d", "They travel with a return ticket they bought themselves", False,
                               "A self-bought return ticket is not an indicator of trafficking.")]),
                            ("q4", "single", "When the person is under 18, what is enough for trafficking?",
                             "For children and adolescents the means need not be proven.",
                             [("q4a", "The act and the purpose of exploitation", True, ""),
                              ("q4b", "All three elements, as for adults", False, ""),
                              ("q4c", "That they crossed a border", False, "")]),
                            ("q5", "single", "Faced with a possible victim at the border post, what do you do "
                             "first?",
                             "The person's safety comes before any procedure.",
                             [("q5a", "Separate them from their companion and make sure they are safe", True, ""),
                              ("q5b", "Ask about the indicators in front of their companion", False,
                               "That can put them in danger."),
                              ("q5c", "Refuse entry and send them back to their country", False,
                               "Sending them back unassessed can leave them with their exploiters.")]),
                        ],
                    ),
                ],
            },
        },
    ],
}

TRAFFICKING_COURSE = {
    "line": "training",
    "topics": ["trafficking-in-persons", "border-management"],
    "network": None,
    "settings": {
        "modality": Modality.SELF_PACED,
        "level": Level.INTRODUCTORY,
        "estimated_hours": Decimal("8"),
        "enrolment_policy": EnrolmentPolicy.OPEN,
        "audience": Audience.EVERYONE,
        "seat_limit": None,
    },
    "es": {
        "slug": "identificacion-victimas-trata-fronteras",
        "title": "Identificación de víctimas de trata de personas en fronteras",
        "summary": "Reconozca los indicadores de trata durante el control migratorio, conduzca una entrevista de "
                   "primer contacto sin revictimizar y derive a la persona a los servicios de protección.",
        "description": (
            "<p>El personal de migración suele ser la primera autoridad que tiene contacto con una víctima de "
            "trata: en un puesto fronterizo, en un aeropuerto o en una estación migratoria. Lo que se observe y "
            "se haga en esos minutos puede abrir el camino a la protección o devolver a la persona a quien la "
            "explota.</p>"
            "<p>Este curso autoformativo parte de la definición del Protocolo de Palermo y la traduce en pasos "
            "concretos para el trabajo en frontera:</p>"
            "<ul><li>distinguir la trata del tráfico ilícito de migrantes;</li>"
            "<li>aplicar indicadores en los documentos, el itinerario y la conducta, con atención especial a "
            "niñas, niños y adolescentes;</li>"
            "<li>conducir una entrevista de primer contacto segura;</li>"
            "<li>activar la derivación a las instituciones de protección.</li></ul>"
            "<p>Está dirigido al personal de control migratorio de primera línea y a sus supervisores en todos los "
            "países de la CRM. No requiere conocimientos previos.</p>"
        ),
        "learning_outcomes": outcomes(
            "Explicar los tres elementos de la definición de trata de personas del Protocolo de Palermo y por qué "
            "el consentimiento de la víctima es irrelevante cuando se usaron medios ilícitos.",
            "Distinguir un caso de trata de uno de tráfico ilícito de migrantes y reconocer cuándo el segundo se "
            "convierte en el primero.",
            "Aplicar indicadores de trata en el control migratorio sin tomarlos como prueba aislada.",
            "Conducir una entrevista de primer contacto que priorice la seguridad de la persona y evite la "
            "revictimización.",
            "Derivar a una posible víctima a los servicios de protección según el mecanismo nacional de referencia.",
        ),
    },
    "en": {
        "slug": "identifying-victims-of-trafficking-at-borders",
        "title": "Identifying victims of trafficking in persons at borders",
        "summary": "Recognise the indicators of trafficking during immigration control, conduct a first-contact "
                   "interview without re-traumatising the person, and refer them to protection services.",
        "description": (
            "<p>Immigration officers are often the first authority to meet a victim of trafficking: at a land "
            "border post, at an airport or in a migrant holding facility. What they notice and do in those few "
            "minutes can open the way to protection, or send the person back to the people exploiting them.</p>"
            "<p>This self-paced course starts from the definition in the Palermo Protocol and turns it into "
            "practical steps for border work:</p>"
            "<ul><li>telling trafficking apart from migrant smuggling;</li>"
            "<li>using indicators in documents, travel patterns and behaviour, with particular attention to "
            "children and adolescents;</li>"
            "<li>conducting a safe first-contact interview;</li>"
            "<li>triggering referral to the protection agencies.</li></ul>"
            "<p>It is meant for front-line immigration control staff and their supervisors in every CRM country. "
            "No prior knowledge is needed.</p>"
        ),
        "learning_outcomes": outcomes(
            "Explain the three elements of the Palermo Protocol definition of trafficking in persons, and why a "
            "victim's consent is irrelevant once unlawful means have been used.",
            "Tell a trafficking case from a smuggling case, and recognise when smuggling turns into trafficking.",
            "Apply trafficking indicators during immigration control without treating any one of them as proof.",
            "Conduct a first-contact interview that puts the person's safety first and avoids re-traumatisation.",
            "Refer a presumed victim to protection services through the national referral mechanism.",
        ),
    },
    "modules": [
        {
            "es": {
                "slug": "delito-trata-personas",
                "title": "El delito de trata de personas",
                "summary": "La definición internacional, los elementos del delito y sus diferencias con el tráfico "
                           "ilícito de migrantes.",
            },
            "en": {
                "slug": "the-crime-of-trafficking",
                "title": "The crime of trafficking in persons",
                "summary": "The international definition, the elements of the offence and how it differs from "
                           "migrant smuggling.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "definicion-protocolo-palermo",
                        "title": "La definición del Protocolo de Palermo",
                        "body": [
                            text(
                                "El Protocolo para prevenir, reprimir y sancionar la trata de personas, especialmente "
                                "mujeres y niños, adoptado en el año 2000 como complemento de la Convención de las "
                                "Naciones Unidas contra la Delincuencia Organizada Transnacional, contiene la "
                                "definición que han incorporado, con matices, las legislaciones de todos los países "
                                "de la CRM. Conocerla bien es la base para reconocer un caso en la práctica.",
                            ),
                            heading("Tres elementos: acción, medios y fin"),
                            text("El artículo 3 describe la trata como la combinación de tres elementos:"),
                            bullets(
                                "<b>Acción</b>: captar, transportar, trasladar, acoger o recibir a una persona.",
                                "<b>Medios</b>: la amenaza o el uso de la fuerza u otras formas de coacción, el "
                                "rapto, el fraude, el engaño, el abuso de poder o de una situación de "
                                "vulnerabilidad, o la entrega de pagos o beneficios a quien tiene autoridad sobre "
                                "la víctima.",
                                "<b>Fin</b>: la explotación, que incluye como mínimo la explotación de la "
                                "prostitución ajena u otras formas de explotación sexual, los trabajos o servicios "
                                "forzados, la esclavitud o prácticas análogas, la servidumbre y la extracción de "
                                "órganos.",
                            ),
                            text(
                                "El delito se configura con la <i>finalidad</i> de explotar: no es necesario que la "
                                "explotación ya haya ocurrido. Una persona interceptada en la frontera camino de un "
                                "empleo que no existe puede ser víctima de trata aunque todavía no haya sido "
                                "explotada.",
                            ),
                            heading("El consentimiento y las personas menores de edad"),
                            text(
                                "Cuando se ha utilizado cualquiera de los medios, el consentimiento que la víctima "
                                "haya dado a la explotación carece de valor. Es frecuente que una víctima afirme que "
                                "viaja por voluntad propia; esa afirmación no descarta la trata.",
                                "Si la víctima es menor de 18 años, basta la acción con fines de explotación: no hace "
                                "falta demostrar ningún medio.",
                            ),
                            key_points(
                                "Recuerde",
                                "Acción + medios + fin de explotación = trata de una persona adulta.",
                                "Acción + fin de explotación = trata de una niña, un niño o un adolescente.",
                                "La trata no exige cruzar una frontera: también existe la trata interna.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "the-palermo-protocol-definition",
                        "title": "The Palermo Protocol definition",
                        "body": [
                            text(
                                "The Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially "
                                "Women and Children, adopted in 2000 to supplement the United Nations Convention "
                                "against Transnational Organized Crime, sets out the definition that every CRM "
                                "country has written into its law, with some national variations. A solid grasp of "
                                "it is what allows an officer to recognise a case in practice.",
                            ),
                            heading("Three elements: act, means and purpose"),
                            text("Article 3 defines trafficking as the combination of three elements:"),
                            bullets(
                                "<b>Act</b>: recruiting, transporting, transferring, harbouring or receiving a "
                                "person.",
                                "<b>Means</b>: the threat or use of force or other forms of coercion, abduction, "
                                "fraud, deception, the abuse of power or of a position of vulnerability, or giving "
                                "payments or benefits to someone who has control over the victim.",
                                "<b>Purpose</b>: exploitation, which includes at a minimum the exploitation of the "
                                "prostitution of others or other forms of sexual exploitation, forced labour or "
                                "services, slavery or practices similar to slavery, servitude and the removal of "
                                "organs.",
                            ),
                            text(
                                "The offence is complete once there is the <i>purpose</i> of exploitation: the "
                                "exploitation need not have happened yet. Someone stopped at the border on the way "
                                "to a job that does not exist can be a victim of trafficking before anyone has "
                                "exploited them.",
                            ),
                            heading("Consent, and victims under 18"),
                            text(
                                "Once any of the means has been used, whatever consent the victim gave to the "
                                "exploitation counts for nothing. Victims often say they are travelling of their own "
                                "free will; that statement does not rule trafficking out.",
                                "When the victim is under 18, the act carried out for the purpose of exploitation is "
                                "enough: no means need to be shown.",
                            ),
                            key_points(
                                "Remember",
                                "Act + means + purpose of exploitation = trafficking of an adult.",
                                "Act + purpose of exploitation = trafficking of a child.",
                                "Trafficking does not require crossing a border: domestic trafficking exists too.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "trata-y-trafico-ilicito",
                        "title": "Trata de personas y tráfico ilícito de migrantes",
                        "body": [
                            text(
                                "En el puesto fronterizo, la trata de personas y el tráfico ilícito de migrantes se "
                                "presentan a menudo de la misma manera: personas que viajan con documentos falsos o "
                                "que cruzan por puntos no habilitados con la ayuda de terceros. Sin embargo, son "
                                "delitos distintos, con consecuencias distintas para la persona.",
                            ),
                            heading("Las diferencias clave"),
                            bullets(
                                "<b>Consentimiento.</b> En el tráfico ilícito, la persona migrante acuerda su "
                                "traslado con el traficante. En la trata no hay consentimiento válido.",
                                "<b>Finalidad.</b> El traficante obtiene un beneficio por facilitar la entrada "
                                "irregular; el tratante busca explotar a la persona.",
                                "<b>Relación.</b> En el tráfico, la relación suele terminar al llegar al destino; en "
                                "la trata, continúa con la explotación.",
                                "<b>Cruce de fronteras.</b> El tráfico implica siempre la entrada irregular en otro "
                                "Estado; la trata puede ser interna.",
                                "<b>Quién es la víctima.</b> El tráfico ilícito atenta ante todo contra las normas "
                                "migratorias del Estado; la trata es un delito contra la persona, que es víctima y "
                                "titular de derechos de protección.",
                            ),
                            heading("Cuando el tráfico se convierte en trata"),
                            text(
                                "La distinción no es estática. Una persona que contrató a un traficante puede quedar "
                                "retenida a mitad de ruta, obligada a trabajar para pagar una deuda que crece sin "
                                "control, o ser entregada a una red de explotación. En ese momento aparece la trata. "
                                "Las rutas de tránsito de la región conocen bien este patrón.",
                                "Las personas objeto de tráfico ilícito también tienen derechos: el Protocolo contra "
                                "el tráfico ilícito de migrantes establece que no se las debe perseguir penalmente "
                                "por el solo hecho de haber sido objeto de tráfico y obliga a proteger su vida y su "
                                "integridad.",
                            ),
                            warning(
                                "No clasifique el caso demasiado pronto",
                                "Ante la duda, trate el caso como posible trata y active la evaluación "
                                "especializada. Clasificarlo como tráfico ilícito y proceder a la devolución puede "
                                "dejar a una víctima en manos de quienes la explotan.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "trafficking-and-smuggling",
                        "title": "Trafficking in persons and smuggling of migrants",
                        "body": [
                            text(
                                "At a border post, trafficking in persons and migrant smuggling often look the same: "
                                "people travelling on false documents, or crossing at unofficial points with someone "
                                "else's help. They are nonetheless different crimes, and they lead to very different "
                                "outcomes for the person concerned.",
                            ),
                            heading("The key differences"),
                            bullets(
                                "<b>Consent.</b> A smuggled migrant agrees to the journey with the smuggler. In "
                                "trafficking there is no valid consent.",
                                "<b>Purpose.</b> The smuggler profits from arranging an irregular entry; the "
                                "trafficker aims to exploit the person.",
                                "<b>Relationship.</b> In smuggling, the relationship usually ends on arrival; in "
                                "trafficking, it continues through the exploitation.",
                                "<b>Border crossing.</b> Smuggling always involves irregular entry into another "
                                "State; trafficking can happen within one country.",
                                "<b>Who is harmed.</b> Smuggling is first of all an offence against the State's "
                                "immigration rules; trafficking is a crime against the person, who is a victim "
                                "entitled to protection.",
                            ),
                            heading("When smuggling turns into trafficking"),
                            text(
                                "The line can move. Someone who paid a smuggler may be held halfway along the route, "
                                "forced to work off a debt that keeps growing, or handed over to an exploitation "
                                "network. At that point it has become trafficking. This pattern is well known on "
                                "the transit routes of the region.",
                                "Smuggled migrants have rights too: the Smuggling of Migrants Protocol says they "
                                "must not be prosecuted merely for having been smuggled, and requires States to "
                                "protect their lives and physical safety.",
                            ),
                            warning(
                                "Do not label the case too early",
                                "When in doubt, treat the case as possible trafficking and ask for a specialist "
                                "assessment. Labelling it as smuggling and sending the person back can leave a "
                                "victim in the hands of their exploiters.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "indicadores-control-migratorio",
                "title": "Indicadores de trata en el control migratorio",
                "summary": "Señales de alerta en los documentos, el itinerario y la conducta, y señales específicas "
                           "en niñas, niños y adolescentes.",
            },
            "en": {
                "slug": "indicators-in-immigration-control",
                "title": "Indicators of trafficking in immigration control",
                "summary": "Red flags in documents, travel patterns and behaviour, and specific signs in children "
                           "and adolescents.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "senales-de-alerta",
                        "title": "Señales de alerta en documentos, viaje y conducta",
                        "body": [
                            text(
                                "Un indicador es una señal que, sola o combinada con otras, justifica una revisión "
                                "más cuidadosa. Ningún indicador prueba por sí mismo que una persona sea víctima de "
                                "trata, y la ausencia de indicadores tampoco lo descarta. Su función es orientar la "
                                "decisión de apartar a la persona para una entrevista de primer contacto.",
                            ),
                            heading("Documentos y viaje"),
                            bullets(
                                "Otra persona guarda el pasaporte, el boleto o el dinero de quien viaja, o responde "
                                "por ella.",
                                "El boleto lo compró un tercero, en efectivo o a último momento, y a menudo es solo "
                                "de ida.",
                                "La persona desconoce la dirección donde se alojará, el nombre de su empleador o la "
                                "ciudad de destino final.",
                                "Varias personas viajan con el mismo itinerario, la misma carta de invitación o el "
                                "mismo «patrocinador».",
                                "Ofertas de empleo vagas o demasiado ventajosas, con los gastos de viaje adelantados "
                                "por un reclutador.",
                            ),
                            heading("Conducta y estado físico"),
                            bullets(
                                "Respuestas memorizadas, idénticas entre acompañantes o incoherentes con los "
                                "documentos.",
                                "Miedo, ansiedad o sumisión evidentes, sobre todo ante la persona acompañante.",
                                "Lesiones, signos de maltrato, desnutrición o agotamiento.",
                                "Mención de una deuda con quien organizó el viaje.",
                            ),
                            text(
                                "Los indicadores varían según la forma de explotación y cambian a medida que las "
                                "redes adaptan sus métodos. Por eso conviene que los equipos compartan, a través de "
                                "sus supervisores y de los canales regionales, los patrones que detectan.",
                            ),
                            key_points(
                                "Buenas prácticas",
                                "Registre los indicadores observados de forma objetiva, sin conclusiones.",
                                "Separe discretamente a la persona de su acompañante antes de hacerle preguntas.",
                                "Consulte a su supervisor o al punto focal de trata de su institución.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "red-flags",
                        "title": "Red flags in documents, travel and behaviour",
                        "body": [
                            text(
                                "An indicator is a sign that, on its own or together with others, calls for a closer "
                                "look. No single indicator proves that someone is a victim of trafficking, and the "
                                "absence of indicators does not prove the opposite. What indicators do is help you "
                                "decide whether to take the person aside for a first-contact interview.",
                            ),
                            heading("Documents and travel"),
                            bullets(
                                "Someone else holds the traveller's passport, ticket or money, or answers for them.",
                                "The ticket was bought by a third party, in cash or at the last minute, and is often "
                                "one-way.",
                                "The person does not know where they will stay, who their employer is or what their "
                                "final destination is.",
                                "Several travellers share the same itinerary, the same letter of invitation or the "
                                "same “sponsor”.",
                                "Vague or unusually attractive job offers, with travel costs advanced by a "
                                "recruiter.",
                            ),
                            heading("Behaviour and physical condition"),
                            bullets(
                                "Rehearsed answers, identical to those of fellow travellers or at odds with the "
                                "documents.",
                                "Visible fear, anxiety or submissiveness, especially in front of a companion.",
                                "Injuries, signs of abuse, malnutrition or exhaustion.",
                                "Mention of a debt owed to whoever organised the trip.",
                            ),
                            text(
                                "Indicators differ with the form of exploitation and change as networks adapt their "
                                "methods. That is why teams should pass on the patterns they see, through their "
                                "supervisors and the regional channels.",
                            ),
                            key_points(
                                "Good practice",
                                "Record what you observed in factual terms, without conclusions.",
                                "Discreetly separate the person from their companion before asking questions.",
                                "Consult your supervisor or your agency's trafficking focal point.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "senales-ninez-adolescencia",
                        "title": "Niñas, niños y adolescentes: señales específicas",
                        "body": [
                            text(
                                "Las niñas, niños y adolescentes son una proporción importante de las víctimas de "
                                "trata detectadas en la región. En la frontera, la primera pregunta es siempre quién "
                                "acompaña a la persona menor de edad y con qué autorización.",
                            ),
                            heading("Qué observar"),
                            bullets(
                                "Viaja sin sus padres, o con un adulto que no puede acreditar el parentesco ni "
                                "presentar el permiso de salida que exige la legislación nacional.",
                                "El adulto responde por la niña o el niño, le impide hablar o ejerce un control "
                                "excesivo.",
                                "Lo que dicen la persona menor de edad y el adulto sobre el motivo del viaje o el "
                                "destino no coincide.",
                                "El documento de identidad indica una edad que no parece corresponder a la "
                                "apariencia de la persona.",
                                "Ofertas de trabajo, estudios, deporte o modelaje dirigidas a adolescentes, sobre "
                                "todo si un tercero paga el viaje.",
                            ),
                            heading("Cómo actuar"),
                            text(
                                "Si hay dudas sobre la edad, se presume que la persona es menor de edad mientras se "
                                "determina. No se le pregunta por los hechos en presencia del adulto acompañante, y "
                                "se avisa de inmediato a la autoridad de protección de la niñez, que es la "
                                "competente para decidir las medidas de protección.",
                                "La entrevista a una persona menor de edad debe hacerla personal capacitado, con un "
                                "lenguaje adaptado a su edad y, en lo posible, una sola vez, para que no tenga que "
                                "repetir su relato ante distintas autoridades.",
                            ),
                            warning(
                                "Recuerde",
                                "Cuando la víctima es menor de edad no hace falta identificar medios como el engaño "
                                "o la coacción: basta la captación o el traslado con fines de explotación.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "signs-in-children",
                        "title": "Children and adolescents: specific signs",
                        "body": [
                            text(
                                "Children and adolescents make up a large share of the trafficking victims detected "
                                "in the region. At the border, the first question is always who is travelling with "
                                "the child, and with what authorisation.",
                            ),
                            heading("What to look for"),
                            bullets(
                                "The child travels without their parents, or with an adult who cannot prove the "
                                "relationship or show the travel permit required by national law.",
                                "The adult answers for the child, stops them from speaking or is overly "
                                "controlling.",
                                "The child's and the adult's accounts of the purpose of the trip or the destination "
                                "do not match.",
                                "The age on the identity document does not seem to match the person's appearance.",
                                "Offers of work, study, sport or modelling aimed at adolescents, particularly when "
                                "a third party is paying for the journey.",
                            ),
                            heading("What to do"),
                            text(
                                "When age is uncertain, the person is presumed to be a child until it is "
                                "established. They are never asked about what happened in front of the accompanying "
                                "adult, and the child protection authority, which decides on protective measures, is "
                                "notified straight away.",
                                "Interviews with children should be carried out by trained staff, in language "
                                "suited to the child's age and, as far as possible, only once, so that the child "
                                "does not have to repeat their story to one authority after another.",
                            ),
                            warning(
                                "Remember",
                                "When the victim is a child, there is no need to establish means such as deception "
                                "or coercion: recruitment or transport for the purpose of exploitation is enough.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "primer-contacto-derivacion",
                "title": "Primer contacto y derivación",
                "summary": "Cómo conducir la entrevista inicial y derivar a la persona a los servicios de "
                           "protección.",
            },
            "en": {
                "slug": "first-contact-and-referral",
                "title": "First contact and referral",
                "summary": "How to conduct the initial interview and refer the person to protection services.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "entrevista-primer-contacto",
                        "title": "La entrevista de primer contacto",
                        "body": [
                            text(
                                "La entrevista de primer contacto no es una investigación penal ni una entrevista de "
                                "control migratorio. Tiene tres objetivos: atender las necesidades urgentes de la "
                                "persona, valorar si existen indicios de trata y darle la información que necesita "
                                "para decidir. El relato detallado de los hechos corresponde después a personal "
                                "especializado y, en su caso, a la fiscalía.",
                            ),
                            heading("Antes de empezar"),
                            bullets(
                                "Busque un espacio privado y seguro, lejos de la persona acompañante y de otras "
                                "personas viajeras.",
                                "Si la persona no domina el idioma, recurra a un intérprete profesional; nunca al "
                                "acompañante ni a alguien del mismo grupo.",
                                "Pregunte si prefiere que la entrevista la conduzca una mujer o un hombre.",
                                "Atienda primero lo urgente: atención médica, agua, alimento, descanso.",
                            ),
                            heading("Durante la entrevista"),
                            text(
                                "Preséntese, explique quién es y para qué sirve la conversación, y diga con claridad "
                                "que la persona puede no responder. Use preguntas abiertas y sencillas («¿Cómo se "
                                "organizó este viaje?», «¿Quién tiene sus documentos?»), evite los juicios y no pida "
                                "detalles de la explotación sufrida. No prometa lo que no puede garantizar, como la "
                                "permanencia en el país.",
                                "Observe también el lenguaje no verbal y respete los silencios. El miedo a las "
                                "represalias, a la deportación o a las autoridades explica que muchas víctimas no se "
                                "reconozcan como tales en un primer momento.",
                            ),
                            key_points(
                                "Al terminar",
                                "Explique qué pasará a continuación y qué apoyo puede recibir.",
                                "Registre de forma objetiva lo observado y lo dicho, con las palabras de la persona.",
                                "Proteja la confidencialidad: la información solo se comparte con quien debe actuar.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "first-contact-interview",
                        "title": "The first-contact interview",
                        "body": [
                            text(
                                "A first-contact interview is neither a criminal investigation nor an immigration "
                                "control interview. It has three aims: to meet the person's urgent needs, to assess "
                                "whether there are signs of trafficking, and to give them the information they need "
                                "to make their own decisions. The detailed account of what happened is for "
                                "specialist staff, and for prosecutors where relevant, at a later stage.",
                            ),
                            heading("Before you start"),
                            bullets(
                                "Find a private, safe space, away from the person's companion and other travellers.",
                                "If the person is not fluent in your language, use a professional interpreter, "
                                "never the companion or someone from the same group.",
                                "Ask whether they would rather be interviewed by a woman or a man.",
                                "Deal with urgent needs first: medical care, water, food, rest.",
                            ),
                            heading("During the interview"),
                            text(
                                "Introduce yourself, explain who you are and what the conversation is for, and make "
                                "it clear that the person does not have to answer. Ask simple, open questions (“How "
                                "was this trip arranged?”, “Who has your documents?”), avoid judgement and do not "
                                "ask for details of the exploitation. Do not promise what you cannot guarantee, such "
                                "as permission to stay in the country.",
                                "Watch for non-verbal cues and let silences be. Fear of reprisals, of deportation or "
                                "of the authorities explains why many victims do not see themselves as victims at "
                                "first.",
                            ),
                            key_points(
                                "When you finish",
                                "Explain what happens next and what support the person can receive.",
                                "Record what you saw and heard in factual terms, using the person's own words.",
                                "Protect confidentiality: share information only with those who need to act on it.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "derivacion-proteccion",
                        "title": "Derivación a protección y asistencia",
                        "body": [
                            text(
                                "Identificar sin derivar no protege a nadie. Cuando la entrevista de primer contacto "
                                "confirma indicios de trata, la tarea de la autoridad migratoria es activar el "
                                "mecanismo nacional de referencia y asegurarse de que la persona llegue a la "
                                "institución que le brindará asistencia.",
                            ),
                            heading("Qué establece el marco internacional"),
                            text(
                                "El Protocolo de Palermo pide a los Estados que consideren medidas de asistencia y "
                                "protección: alojamiento adecuado, información sobre sus derechos en un idioma que "
                                "la víctima comprenda, atención médica y psicológica, oportunidades de empleo, "
                                "educación y capacitación, y protección de su seguridad física. También les pide "
                                "considerar que las víctimas permanezcan en su territorio, temporal o "
                                "permanentemente. Su cláusula de salvaguardia recuerda que nada de ello afecta al "
                                "principio de no devolución ni a la protección de las personas refugiadas.",
                                "A ello se suma el principio de no sanción: una víctima no debe ser detenida, acusada "
                                "ni sancionada por su entrada o estancia irregular, ni por los delitos que haya "
                                "cometido como consecuencia directa de su situación de trata.",
                            ),
                            heading("La derivación en la práctica"),
                            bullets(
                                "Contacte a la instancia designada por el protocolo de su país: fiscalía "
                                "especializada, comisión o consejo nacional contra la trata, autoridad de protección "
                                "de la niñez.",
                                "Suspenda cualquier procedimiento de inadmisión, retorno o deportación mientras se "
                                "evalúa el caso.",
                                "Si la persona expresa temor de regresar a su país, infórmele de su derecho a "
                                "solicitar protección internacional y refiérala a la autoridad de refugio.",
                                "Infórmele de su derecho a comunicarse con su consulado, pero no contacte al "
                                "consulado sin su consentimiento si ha expresado temor de regresar.",
                            ),
                            note(
                                "Coordinación regional",
                                "Los lineamientos regionales de la CRM para la identificación preliminar de perfiles "
                                "y los mecanismos de referencia de personas migrantes en situación de vulnerabilidad "
                                "ofrecen un marco común para que los países de origen, tránsito y destino coordinen "
                                "la protección.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "referral-to-protection",
                        "title": "Referral to protection and assistance",
                        "body": [
                            text(
                                "Identification without referral protects no one. When the first-contact interview "
                                "confirms signs of trafficking, the immigration authority's job is to trigger the "
                                "national referral mechanism and make sure the person actually reaches the agency "
                                "that will assist them.",
                            ),
                            heading("What the international framework says"),
                            text(
                                "The Palermo Protocol asks States to consider assistance and protection measures: "
                                "appropriate housing, information about the victim's rights in a language they "
                                "understand, medical and psychological care, employment, education and training "
                                "opportunities, and protection of their physical safety. It also asks States to "
                                "consider allowing victims to remain in their territory, temporarily or "
                                "permanently. Its saving clause makes clear that none of this affects the principle "
                                "of non-refoulement or the protection of refugees.",
                                "Add to that the non-punishment principle: a victim should not be detained, charged "
                                "or punished for irregular entry or stay, or for offences committed as a direct "
                                "result of having been trafficked.",
                            ),
                            heading("Referral in practice"),
                            bullets(
                                "Contact the body named in your country's protocol: the specialised prosecutor's "
                                "office, the national anti-trafficking commission or council, the child protection "
                                "authority.",
                                "Suspend any refusal of entry, return or deportation while the case is assessed.",
                                "If the person says they are afraid to go home, tell them about their right to seek "
                                "international protection and refer them to the asylum authority.",
                                "Tell them about their right to contact their consulate, but do not contact the "
                                "consulate without their consent if they have said they fear returning.",
                            ),
                            note(
                                "Regional coordination",
                                "The CRM regional guidelines for the preliminary identification of profiles and "
                                "referral mechanisms for migrants in vulnerable situations give countries of origin, "
                                "transit and destination a shared framework for coordinating protection.",
                            ),
                        ],
                    },
                },
            ],
        },
        TRAFFICKING_FINAL_MODULE,
    ],
}

# Spanish only: the English and French catalogues show it marked "only available in Spanish".
CONSULAR_COURSE = {
    "line": "training",
    "topics": ["consular-protection", "human-rights-of-migrants"],
    "network": None,
    "settings": {
        "modality": Modality.INSTRUCTOR_LED,
        "level": Level.INTERMEDIATE,
        "estimated_hours": Decimal("12"),
        "enrolment_policy": EnrolmentPolicy.APPROVAL,
        "audience": Audience.EVERYONE,
        "seat_limit": None,
    },
    "es": {
        "slug": "proteccion-consular-migrantes-transito",
        "title": "Protección consular de personas migrantes en tránsito",
        "summary": "La Convención de Viena sobre Relaciones Consulares aplicada a la asistencia de connacionales "
                   "detenidos, lesionados, fallecidos o desaparecidos en las rutas migratorias de la región.",
        "description": (
            "<p>Cada año, miles de personas de los países de la CRM atraviesan uno o varios países antes de llegar "
            "a su destino. Cuando son detenidas, sufren un accidente o pierden el contacto con su familia, la red "
            "consular es a menudo su único apoyo institucional.</p>"
            "<p>Este curso, con sesiones en línea guiadas por la formadora, repasa el marco jurídico de la "
            "asistencia consular, en particular el artículo 36 de la Convención de Viena sobre Relaciones "
            "Consulares, y lo aplica a los casos más frecuentes en las rutas de tránsito.</p>"
            "<p>Está dirigido al personal consular y de las cancillerías, y también al personal de migración que "
            "debe notificar a los consulados o facilitar su acceso. La inscripción requiere la aprobación del "
            "enlace nacional.</p>"
        ),
        "learning_outcomes": outcomes(
            "Describir las funciones consulares de protección y asistencia que establece la Convención de Viena de "
            "1963.",
            "Aplicar el artículo 36: información sin dilación, notificación a petición de la persona y derecho de "
            "visita.",
            "Reconocer cuándo no se debe contactar al consulado, como en el caso de las personas solicitantes de "
            "asilo.",
            "Organizar la respuesta consular ante detenciones, accidentes, fallecimientos y desapariciones en "
            "tránsito.",
            "Coordinar con las autoridades del país de tránsito respetando sus competencias.",
        ),
    },
    "modules": [
        {
            "es": {
                "slug": "marco-juridico",
                "title": "Marco jurídico de la asistencia consular",
                "summary": "La Convención de Viena sobre Relaciones Consulares y el derecho a la información sobre "
                           "la asistencia consular.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "funciones-consulares",
                        "title": "Las funciones consulares en la Convención de Viena",
                        "body": [
                            text(
                                "La Convención de Viena sobre Relaciones Consulares, de 1963, regula la actividad de "
                                "los consulados en todo el mundo, y todos los Estados miembros de la CRM son parte de "
                                "ella. Su artículo 5 enumera las funciones consulares; varias se refieren "
                                "directamente a la protección de las personas nacionales en el extranjero.",
                            ),
                            heading("Funciones de protección"),
                            bullets(
                                "Proteger en el Estado receptor los intereses del Estado que envía y de sus "
                                "nacionales, dentro de los límites del derecho internacional.",
                                "Prestar ayuda y asistencia a los nacionales.",
                                "Expedir pasaportes y documentos de viaje, y ejercer funciones notariales y de "
                                "registro civil.",
                                "Velar por los intereses de las personas menores de edad y de quienes carecen de "
                                "plena capacidad.",
                                "Representar a los nacionales, o asegurarles una representación adecuada, ante los "
                                "tribunales cuando no puedan defender sus derechos oportunamente.",
                            ),
                            heading("Los límites de la función"),
                            text(
                                "La protección consular no sustituye a la justicia del Estado receptor ni permite "
                                "intervenir en sus asuntos internos: el consulado no puede liberar a una persona "
                                "detenida ni impedir una deportación ordenada conforme a la ley. Su papel es "
                                "verificar que se respeten los derechos de la persona, facilitarle defensa, "
                                "documentos y contacto con su familia, y activar los canales diplomáticos cuando "
                                "esos derechos se vulneran.",
                                "La asistencia consular es además un derecho de la persona, no solo una facultad del "
                                "Estado. La Corte Interamericana de Derechos Humanos lo afirmó en su Opinión "
                                "Consultiva OC-16/99, solicitada por México: el derecho a la información sobre la "
                                "asistencia consular forma parte de las garantías del debido proceso.",
                            ),
                            key_points(
                                "Para retener",
                                "El artículo 5 define qué puede hacer un consulado por sus nacionales.",
                                "La protección consular se ejerce dentro de la ley del Estado receptor.",
                                "Recibir asistencia consular es un derecho de la persona extranjera.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "articulo-36-notificacion-consular",
                        "title": "Artículo 36: comunicación y notificación consular",
                        "body": [
                            text(
                                "El artículo 36 de la Convención de Viena es la norma que más se aplica en el trabajo "
                                "diario con personas migrantes. Garantiza que quien es privado de libertad en un país "
                                "extranjero pueda contar con el apoyo de su consulado.",
                            ),
                            heading("Tres obligaciones del Estado receptor"),
                            bullets(
                                "<b>Informar sin dilación</b> a la persona extranjera arrestada, detenida o en "
                                "prisión preventiva de su derecho a que se notifique a su consulado y a comunicarse "
                                "con él.",
                                "<b>Notificar sin retraso</b> a la oficina consular, si la persona lo solicita, y "
                                "transmitir sin demora las comunicaciones que ella dirija al consulado.",
                                "<b>Permitir el acceso</b> de los funcionarios consulares, que tienen derecho a "
                                "visitar a la persona, conversar con ella, mantener correspondencia y organizar su "
                                "defensa, salvo que ella se oponga expresamente.",
                                ordered=True,
                            ),
                            heading("Lo que ha aclarado la jurisprudencia"),
                            text(
                                "La Corte Internacional de Justicia, en los casos LaGrand (Alemania contra Estados "
                                "Unidos, 2001) y Avena (México contra Estados Unidos, 2004), confirmó que el artículo "
                                "36 crea derechos individuales y que su incumplimiento obliga a revisar y reconsiderar "
                                "las condenas afectadas. La Corte Interamericana, por su parte, precisó que la "
                                "información debe darse al privar de libertad a la persona y, en todo caso, antes de "
                                "que rinda su primera declaración ante la autoridad.",
                                "La detención administrativa por motivos migratorios también activa el artículo 36. "
                                "Algunos convenios bilaterales hacen obligatoria la notificación aunque la persona no "
                                "la pida: conviene conocer los que ha firmado su país.",
                            ),
                            warning(
                                "Personas solicitantes de asilo",
                                "Nunca notifique al consulado del país de origen de una persona que ha solicitado o "
                                "podría solicitar protección internacional sin su consentimiento expreso: el contacto "
                                "puede exponerla, a ella y a su familia, a la persecución de la que huye.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "asistencia-en-transito",
                "title": "Asistencia consular en las rutas de tránsito",
                "summary": "La respuesta a los casos más frecuentes y la coordinación con las autoridades del país de "
                           "tránsito.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "casos-frecuentes",
                        "title": "Detenciones, accidentes, fallecimientos y desapariciones",
                        "body": [
                            text(
                                "Las personas migrantes en tránsito enfrentan riesgos que se repiten a lo largo de "
                                "las rutas de la región: detención migratoria o penal, accidentes de transporte, "
                                "violencia de grupos criminales, pérdida de documentos y, en los casos más graves, "
                                "muerte o desaparición. Cada situación pide una respuesta consular distinta.",
                            ),
                            heading("Detención"),
                            text(
                                "Verifique el lugar y las condiciones de detención, el motivo y el procedimiento "
                                "aplicado. Entreviste a la persona en privado, compruebe que cuenta con defensa e "
                                "intérprete y pregúntele si desea que se informe a su familia. Si hay niñas, niños o "
                                "adolescentes, confirme que ha intervenido la autoridad de protección de la niñez.",
                            ),
                            heading("Accidentes y hospitalizaciones"),
                            text(
                                "Obtenga el consentimiento de la persona para acceder a su información médica, "
                                "facilite la comunicación con su familia y documente su identidad para los trámites "
                                "posteriores, incluido un eventual retorno asistido.",
                            ),
                            heading("Fallecimientos y desapariciones"),
                            text(
                                "El artículo 37 de la Convención obliga al Estado receptor a informar sin retraso al "
                                "consulado del fallecimiento de una persona nacional. A partir de ahí, el consulado "
                                "acompaña a la familia en la identificación, la obtención del acta de defunción y la "
                                "repatriación de los restos o su inhumación en el lugar. En las desapariciones, "
                                "registre los datos de la persona y de quien la reporta, y active los mecanismos de "
                                "búsqueda y de identificación forense de ambos países.",
                            ),
                            key_points(
                                "En todos los casos",
                                "Actúe con el consentimiento informado de la persona o de su familia.",
                                "Abra un expediente único y registre cada gestión.",
                                "Informe a la familia con regularidad, aunque no haya novedades.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "coordinacion-pais-transito",
                        "title": "Coordinación con las autoridades del país de tránsito",
                        "body": [
                            text(
                                "La protección consular eficaz depende de una buena relación de trabajo con las "
                                "autoridades migratorias, policiales y de salud del país donde se encuentra la "
                                "persona. Esa relación se construye antes de las emergencias.",
                            ),
                            heading("Acuerdos de trabajo"),
                            bullets(
                                "Un directorio actualizado de contactos consulares y de puntos focales migratorios, "
                                "con guardias fuera del horario laboral.",
                                "Procedimientos acordados para la notificación consular, la verificación de "
                                "nacionalidad y la expedición de documentos de viaje.",
                                "Reglas para el intercambio de datos personales: qué se comparte, con qué base "
                                "jurídica y con el consentimiento de quién.",
                            ),
                            heading("Verificación de nacionalidad y documentación"),
                            text(
                                "Cuando una persona sin documentos afirma ser nacional, el consulado debe "
                                "verificarlo con rapidez, mediante entrevistas y consultas a los registros civiles y "
                                "de identificación de su país. Una demora prolonga la detención migratoria; una "
                                "verificación apresurada puede documentar como nacional a quien no lo es o exponer a "
                                "una persona que necesita protección internacional.",
                            ),
                            heading("Respetar la voluntad de la persona"),
                            text(
                                "El consulado acompaña, no decide por la persona. Si no quiere regresar, si desea "
                                "solicitar asilo en el país de tránsito o continuar su viaje por vías regulares, la "
                                "función consular es informarle de sus opciones y de los riesgos, no presionarla.",
                            ),
                            note(
                                "En la región",
                                "La Red de Protección Consular de la CRM reúne a funcionarios de los países miembros "
                                "para atender casos en los que intervienen varios Estados a lo largo de una misma "
                                "ruta. Sus integrantes pueden profundizar en esa coordinación en el taller de casos "
                                "complejos de la Red.",
                            ),
                        ],
                    },
                },
            ],
        },
    ],
}

RETURN_COURSE = {
    "line": "training",
    "topics": ["human-rights-of-migrants", "return-and-reintegration", "migrant-children"],
    "network": None,
    "settings": {
        "modality": Modality.BLENDED,
        "level": Level.ADVANCED,
        "estimated_hours": Decimal("25"),
        "enrolment_policy": EnrolmentPolicy.APPROVAL,
        "audience": Audience.EVERYONE,
        "seat_limit": 30,
    },
    "es": {
        "slug": "derechos-humanos-procedimientos-retorno",
        "title": "Derechos humanos en los procedimientos de retorno",
        "summary": "Las garantías que debe respetar toda expulsión, deportación o retorno: no devolución, debido "
                   "proceso, trato digno e interés superior de la niñez, con casos del sistema interamericano.",
        "description": (
            "<p>Decidir el retorno de una persona extranjera es una facultad soberana de cada Estado, pero está "
            "sujeta a obligaciones internacionales que no admiten excepción. Un retorno mal ejecutado puede exponer "
            "a la persona a graves violaciones de derechos humanos y comprometer la responsabilidad internacional "
            "del Estado.</p>"
            "<p>Este curso combina módulos en línea y un taller presencial. Examina el principio de no devolución, "
            "las garantías del debido proceso en la expulsión, las condiciones de un retorno digno y las reglas "
            "propias de los casos de niñas, niños y adolescentes, con referencia a la jurisprudencia de la Corte "
            "Interamericana de Derechos Humanos.</p>"
            "<p>Está dirigido al personal que decide, ejecuta o supervisa procedimientos de retorno en los países de "
            "origen, tránsito y destino. Plazas limitadas; la inscripción requiere la aprobación del enlace "
            "nacional.</p>"
        ),
        "learning_outcomes": outcomes(
            "Explicar el alcance del principio de no devolución y las situaciones en que impide un retorno.",
            "Verificar que un procedimiento de expulsión o deportación cumple las garantías del debido proceso.",
            "Aplicar estándares de trato digno durante la detención, el traslado y la entrega de la persona.",
            "Exigir una determinación del interés superior antes de decidir el retorno de una niña, un niño o un "
            "adolescente.",
            "Coordinar con el país de origen una recepción que favorezca la reintegración.",
        ),
    },
    "en": {
        "slug": "human-rights-in-return-procedures",
        "title": "Human rights in return procedures",
        "summary": "The safeguards every expulsion, deportation or return must respect: non-refoulement, due "
                   "process, humane treatment and the best interests of the child, with Inter-American case law.",
        "description": (
            "<p>Deciding to return a foreign national is a sovereign power of every State, but it is bound by "
            "international obligations that allow no exceptions. A badly handled return can expose a person to "
            "serious human rights violations and engage the State's international responsibility.</p>"
            "<p>This course combines online modules with an in-person workshop. It covers the principle of "
            "non-refoulement, due process in expulsion, the conditions of a dignified return and the specific rules "
            "that apply to children and adolescents, drawing on the case law of the Inter-American Court of Human "
            "Rights.</p>"
            "<p>It is meant for staff who decide on, carry out or oversee returns in countries of origin, transit "
            "and destination. Places are limited, and enrolment must be approved by your country's focal point.</p>"
        ),
        "learning_outcomes": outcomes(
            "Explain the scope of the non-refoulement principle and when it bars a return.",
            "Check that an expulsion or deportation procedure meets due process guarantees.",
            "Apply standards of humane treatment during detention, escort and handover.",
            "Require a best interests determination before a decision is taken to return a child.",
            "Work with the country of origin on a reception that supports reintegration.",
        ),
    },
    "modules": [
        {
            "es": {
                "slug": "principios-y-garantias",
                "title": "Principios y garantías en el retorno",
                "summary": "No devolución, debido proceso y trato digno en toda forma de retorno.",
            },
            "en": {
                "slug": "principles-and-safeguards",
                "title": "Principles and safeguards in return",
                "summary": "Non-refoulement, due process and humane treatment in every kind of return.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "principio-no-devolucion",
                        "title": "El principio de no devolución",
                        "body": [
                            text(
                                "El principio de no devolución prohíbe expulsar o devolver a una persona, de "
                                "cualquier forma, a un territorio donde su vida, su integridad o su libertad corran "
                                "peligro. Es la garantía central de todo procedimiento de retorno y se aplica "
                                "cualquiera que sea la situación migratoria de la persona.",
                            ),
                            heading("Fuentes"),
                            bullets(
                                "La Convención sobre el Estatuto de los Refugiados de 1951 (artículo 33) protege a "
                                "las personas refugiadas y solicitantes de asilo frente a la devolución a un lugar "
                                "donde sufrirían persecución.",
                                "La Convención contra la Tortura (artículo 3) prohíbe, sin excepción alguna, devolver "
                                "a una persona a un Estado donde haya razones fundadas para creer que estaría en "
                                "peligro de ser sometida a tortura.",
                                "La Convención Americana sobre Derechos Humanos (artículo 22.8) prohíbe expulsar o "
                                "devolver a una persona extranjera a un país donde su derecho a la vida o a la "
                                "libertad esté en riesgo por su raza, nacionalidad, religión, condición social u "
                                "opiniones políticas, sea o no su país de origen.",
                                "La Declaración de Cartagena de 1984 amplió en la región la definición de persona "
                                "refugiada a quienes huyen de la violencia generalizada y de violaciones masivas de "
                                "los derechos humanos.",
                            ),
                            heading("Consecuencias prácticas"),
                            text(
                                "La no devolución exige evaluar el riesgo de forma individual antes de ejecutar un "
                                "retorno; por eso están prohibidas las expulsiones colectivas (artículo 22.9 de la "
                                "Convención Americana). Cuando una persona expresa temor de regresar, el "
                                "procedimiento de retorno se suspende y se la refiere a la autoridad de asilo. El "
                                "principio también prohíbe la devolución indirecta: enviar a la persona a un tercer "
                                "país desde el cual pueda ser devuelta al lugar de riesgo.",
                            ),
                            key_points(
                                "Antes de cada retorno, responda",
                                "¿Se preguntó a la persona, en un idioma que comprende, si teme regresar?",
                                "¿Se evaluó el riesgo de forma individual, con información actualizada sobre el "
                                "país?",
                                "¿Tuvo acceso efectivo al procedimiento de asilo, si lo pidió?",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "non-refoulement",
                        "title": "The principle of non-refoulement",
                        "body": [
                            text(
                                "The principle of non-refoulement forbids expelling or returning a person, in any "
                                "manner whatsoever, to a territory where their life, safety or freedom would be at "
                                "risk. It is the core safeguard of every return procedure, and it applies whatever "
                                "the person's immigration status.",
                            ),
                            heading("Sources"),
                            bullets(
                                "The 1951 Refugee Convention (article 33) protects refugees and asylum seekers from "
                                "being returned to a place where they would face persecution.",
                                "The Convention against Torture (article 3) prohibits, without exception, returning "
                                "anyone to a State where there are substantial grounds for believing they would be "
                                "in danger of torture.",
                                "The American Convention on Human Rights (article 22.8) prohibits deporting or "
                                "returning a foreign national to any country, whether or not it is their country of "
                                "origin, where their right to life or personal freedom is at risk because of their "
                                "race, nationality, religion, social status or political opinions.",
                                "The 1984 Cartagena Declaration widened the regional refugee definition to cover "
                                "people fleeing generalised violence and massive violations of human rights.",
                            ),
                            heading("What it means in practice"),
                            text(
                                "Non-refoulement requires an individual risk assessment before any return, which is "
                                "why collective expulsions are prohibited (article 22.9 of the American Convention). "
                                "When a person says they are afraid to go back, the return is put on hold and they "
                                "are referred to the asylum authority. The principle also rules out indirect "
                                "refoulement: sending someone to a third country that may then send them on to the "
                                "place of danger.",
                            ),
                            key_points(
                                "Before every return, ask",
                                "Was the person asked, in a language they understand, whether they fear going back?",
                                "Was the risk assessed individually, using up-to-date country information?",
                                "Did they have real access to the asylum procedure if they asked for it?",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "debido-proceso",
                        "title": "Debido proceso en la expulsión y la deportación",
                        "body": [
                            text(
                                "Una decisión de expulsión afecta derechos fundamentales y debe adoptarse, por tanto, "
                                "en un procedimiento con garantías. El Pacto Internacional de Derechos Civiles y "
                                "Políticos (artículo 13) y la Convención Americana (artículo 22.6) exigen que la "
                                "expulsión de una persona extranjera que se halle legalmente en el territorio se "
                                "base en una decisión adoptada conforme a la ley. La Corte Interamericana ha "
                                "precisado que las garantías mínimas del debido proceso (artículo 8 de la "
                                "Convención) amparan a toda persona migrante, sea cual sea su situación migratoria.",
                            ),
                            heading("Garantías mínimas"),
                            bullets(
                                "Ser informada de los motivos de la expulsión y de sus derechos, en un idioma que "
                                "comprenda, con intérprete si hace falta.",
                                "Exponer sus razones en contra de la expulsión y presentar pruebas.",
                                "Contar con asesoría y representación legal, gratuita cuando la ley lo prevea.",
                                "Recibir asistencia consular, salvo que no la desee o necesite protección "
                                "internacional.",
                                "Obtener una decisión fundamentada y poder recurrirla ante una autoridad "
                                "competente.",
                            ),
                            heading("La detención migratoria"),
                            text(
                                "En el caso Vélez Loor contra Panamá (2010), la Corte Interamericana estableció que "
                                "la privación de libertad por incumplir la normativa migratoria debe ser "
                                "excepcional, necesaria y proporcional, que nunca puede tener fines punitivos y que "
                                "las personas migrantes no deben permanecer en centros penitenciarios junto a "
                                "personas procesadas o condenadas. En Nadege Dorzema y otros contra República "
                                "Dominicana (2012), condenó la expulsión colectiva de personas haitianas sin "
                                "evaluación individual.",
                            ),
                            note(
                                "Buena práctica",
                                "Antes de ejecutar el retorno, verifique en el expediente que cada garantía se "
                                "cumplió y quedó registrada. Un retorno ejecutado con un recurso pendiente puede "
                                "causar un daño irreparable.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "due-process",
                        "title": "Due process in expulsion and deportation",
                        "body": [
                            text(
                                "An expulsion decision affects fundamental rights, so it must be reached through a "
                                "procedure with safeguards. The International Covenant on Civil and Political Rights "
                                "(article 13) and the American Convention (article 22.6) require that a foreign "
                                "national lawfully in the territory be expelled only under a decision reached in "
                                "accordance with law. The Inter-American Court has made clear that the minimum due "
                                "process guarantees (article 8 of the Convention) protect every migrant, whatever "
                                "their immigration status.",
                            ),
                            heading("Minimum guarantees"),
                            bullets(
                                "To be told the reasons for the expulsion and their rights, in a language they "
                                "understand, with an interpreter where needed.",
                                "To put forward reasons against the expulsion and submit evidence.",
                                "To have legal advice and representation, free of charge where the law provides it.",
                                "To receive consular assistance, unless they decline it or may need international "
                                "protection.",
                                "To receive a reasoned decision and be able to appeal it before a competent "
                                "authority.",
                            ),
                            heading("Immigration detention"),
                            text(
                                "In Vélez Loor v. Panama (2010), the Inter-American Court held that detention for "
                                "breaching immigration rules must be exceptional, necessary and proportionate, must "
                                "never serve a punitive purpose, and must not take place in prisons alongside people "
                                "charged with or convicted of crimes. In Nadege Dorzema et al. v. Dominican Republic "
                                "(2012), it condemned the collective expulsion of Haitian nationals without any "
                                "individual assessment.",
                            ),
                            note(
                                "Good practice",
                                "Before a return goes ahead, check the file to confirm that every guarantee was met "
                                "and recorded. Carrying out a return while an appeal is pending can cause "
                                "irreparable harm.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "retorno-digno-seguro",
                        "title": "Un retorno digno y seguro",
                        "body": [
                            text(
                                "Cuando la decisión de retorno es firme y se han descartado los riesgos de "
                                "devolución, la forma de ejecutarla también está sujeta a estándares de derechos "
                                "humanos. La dignidad de la persona no se suspende durante el traslado.",
                            ),
                            heading("Antes del traslado"),
                            bullets(
                                "Preferir el retorno voluntario asistido cuando sea posible, con información clara y "
                                "tiempo para prepararlo.",
                                "Evaluar el estado de salud y la aptitud para viajar, y asegurar la continuidad de "
                                "los tratamientos médicos.",
                                "Permitir que la persona se comunique con su familia y recupere sus pertenencias, su "
                                "dinero y sus documentos.",
                                "Mantener unidas a las familias y avisar al país de origen con antelación.",
                            ),
                            heading("Durante el traslado"),
                            text(
                                "El uso de la fuerza y de medios de contención debe ser excepcional, necesario y "
                                "proporcional; nunca puede aplicarse como castigo ni comprometer la respiración de "
                                "la persona. El personal de escolta debe estar capacitado e identificado, e incluir "
                                "mujeres cuando viajan mujeres. Las niñas y niños viajan con su familia o, si no "
                                "están acompañados, con personal de protección de la niñez.",
                            ),
                            heading("La entrega"),
                            text(
                                "La persona se entrega a las autoridades del país de origen en un punto oficial, con "
                                "su documentación y con la información necesaria para recibirla, en un horario en "
                                "que funcionen los servicios de acogida. Dejar a las personas en la frontera de "
                                "noche, sin dinero ni documentos, las expone a la extorsión y al reclutamiento por "
                                "grupos criminales.",
                            ),
                            key_points(
                                "Registro y monitoreo",
                                "Documente cada etapa del retorno y cualquier incidente.",
                                "Facilite el acceso de la institución nacional de derechos humanos y de observadores "
                                "independientes.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "safe-and-dignified-return",
                        "title": "A safe and dignified return",
                        "body": [
                            text(
                                "Once a return decision is final and the risk of refoulement has been ruled out, the "
                                "way the return is carried out is still governed by human rights standards. A "
                                "person's dignity is not suspended for the journey.",
                            ),
                            heading("Before departure"),
                            bullets(
                                "Prefer assisted voluntary return wherever possible, with clear information and time "
                                "to prepare.",
                                "Check the person's health and fitness to travel, and make sure any medical "
                                "treatment continues.",
                                "Let the person contact their family and collect their belongings, money and "
                                "documents.",
                                "Keep families together and give the country of origin advance notice.",
                            ),
                            heading("During the journey"),
                            text(
                                "Force and restraints may be used only when exceptional, necessary and "
                                "proportionate; they must never be used as punishment or restrict the person's "
                                "breathing. Escort officers must be trained and identifiable, and include women "
                                "when women are being returned. Children travel with their family or, if "
                                "unaccompanied, with child protection staff.",
                            ),
                            heading("Handover"),
                            text(
                                "The person is handed over to the authorities of the country of origin at an "
                                "official point, with their documents and the information needed to receive them, "
                                "at a time when reception services are open. Leaving people at the border at night "
                                "with no money or documents exposes them to extortion and to recruitment by "
                                "criminal groups.",
                            ),
                            key_points(
                                "Records and monitoring",
                                "Document every stage of the return and any incident.",
                                "Give the national human rights institution and independent monitors access.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "ninez-y-adolescencia",
                "title": "Niñez y adolescencia en los procedimientos de retorno",
                "summary": "El interés superior de la niña o el niño y la recepción coordinada en el país de origen.",
            },
            "en": {
                "slug": "children-and-adolescents",
                "title": "Children and adolescents in return procedures",
                "summary": "The best interests of the child and coordinated reception in the country of origin.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "interes-superior",
                        "title": "El interés superior de la niña o el niño",
                        "body": [
                            text(
                                "La Convención sobre los Derechos del Niño (artículo 3) obliga a que, en todas las "
                                "medidas que conciernan a niñas, niños y adolescentes, se atienda de forma "
                                "primordial a su interés superior. En el contexto migratorio, esto significa que el "
                                "retorno de una persona menor de edad nunca puede ser una consecuencia automática de "
                                "su situación migratoria.",
                            ),
                            heading("Lo que exigen los estándares interamericanos"),
                            text(
                                "En su Opinión Consultiva OC-21/14, sobre los derechos y garantías de niñas y niños "
                                "en el contexto de la migración, la Corte Interamericana estableció, entre otras "
                                "cosas, que:",
                            ),
                            bullets(
                                "Los Estados no pueden privar de libertad a niñas y niños por razones migratorias; "
                                "deben recurrir a medidas de cuidado en un entorno familiar o comunitario.",
                                "Toda decisión sobre el retorno debe basarse en una determinación del interés "
                                "superior hecha por personal especializado, con una evaluación individual de los "
                                "riesgos y de la situación en el país de origen.",
                                "La niña o el niño tiene derecho a ser oído, a un tutor o representante si no está "
                                "acompañado, a asistencia jurídica y a intérprete.",
                                "El retorno solo procede si es compatible con su interés superior y no lo expone a "
                                "riesgos para su vida, su integridad o su libertad.",
                            ),
                            heading("La determinación del interés superior"),
                            text(
                                "Es un procedimiento formal, distinto de la entrevista migratoria. Tiene en cuenta la "
                                "opinión de la niña o el niño según su edad y madurez, sus vínculos familiares, su "
                                "seguridad, su salud y su educación, y las posibilidades reales de cuidado en el país "
                                "de origen y en el de acogida. La unidad familiar pesa mucho, pero no justifica por "
                                "sí sola la detención ni el retorno.",
                            ),
                            warning(
                                "Nunca",
                                "Retorne a una niña, un niño o un adolescente no acompañado sin haber localizado a su "
                                "familia o a una institución de protección que lo reciba.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "best-interests-of-the-child",
                        "title": "The best interests of the child",
                        "body": [
                            text(
                                "The Convention on the Rights of the Child (article 3) requires the best interests of "
                                "the child to be a primary consideration in all actions concerning children. In a "
                                "migration setting, this means that returning a child can never be an automatic "
                                "consequence of their immigration status.",
                            ),
                            heading("What the Inter-American standards require"),
                            text(
                                "In Advisory Opinion OC-21/14, on the rights and guarantees of children in the "
                                "context of migration, the Inter-American Court held, among other things, that:",
                            ),
                            bullets(
                                "States may not deprive children of their liberty for immigration reasons; they must "
                                "use care arrangements in a family or community setting instead.",
                                "Any decision on return must rest on a best interests determination carried out by "
                                "specialised staff, with an individual assessment of the risks and of conditions in "
                                "the country of origin.",
                                "The child has the right to be heard, to a guardian or representative if "
                                "unaccompanied, to legal assistance and to an interpreter.",
                                "A return may go ahead only if it is consistent with the child's best interests and "
                                "does not put their life, safety or freedom at risk.",
                            ),
                            heading("The best interests determination"),
                            text(
                                "This is a formal procedure, separate from the immigration interview. It weighs the "
                                "child's views according to their age and maturity, their family ties, safety, "
                                "health and education, and the real options for their care in the country of origin "
                                "and in the host country. Family unity carries great weight, but on its own it does "
                                "not justify detention or return.",
                            ),
                            warning(
                                "Never",
                                "Return an unaccompanied child without first tracing their family or a protection "
                                "agency ready to receive them.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "recepcion-reintegracion",
                        "title": "Recepción y reintegración en el país de origen",
                        "body": [
                            text(
                                "Un retorno no termina en el avión ni en el puesto fronterizo. Para la persona "
                                "empieza una etapa en la que debe rehacer su vida en el lugar del que salió, a "
                                "menudo por razones que siguen presentes. La calidad de la recepción determina si la "
                                "reintegración será sostenible o si la persona intentará migrar de nuevo en "
                                "condiciones aún más peligrosas.",
                            ),
                            heading("Una recepción coordinada"),
                            text(
                                "Los países de origen de la región cuentan con centros y protocolos de atención a "
                                "personas retornadas en los que intervienen las autoridades migratorias, de "
                                "protección de la niñez, de salud y de trabajo. La coordinación previa entre el país "
                                "que retorna y el que recibe permite preparar la llegada: identidad confirmada, "
                                "necesidades médicas conocidas, familia localizada y, si se trata de niñas y niños, "
                                "la autoridad de protección presente en el momento de la entrega.",
                            ),
                            heading("Tres dimensiones de la reintegración"),
                            bullets(
                                "<b>Económica</b>: acceso al empleo, a la formación, a la certificación de las "
                                "competencias adquiridas en el extranjero y al emprendimiento.",
                                "<b>Social</b>: documentación, vivienda, escolarización de niñas y niños, salud y "
                                "acceso a los servicios públicos.",
                                "<b>Psicosocial</b>: atención a lo vivido durante la migración y el retorno, y "
                                "prevención de la estigmatización.",
                            ),
                            text(
                                "Algunas personas retornadas corren riesgos específicos: víctimas de trata, personas "
                                "que huyeron de la violencia de las pandillas o personas deportadas tras muchos años "
                                "en el extranjero. Para ellas, la derivación a servicios de protección debe ser "
                                "inmediata.",
                            ),
                            key_points(
                                "Recuerde",
                                "La información que intercambian los países se limita a lo necesario para la "
                                "recepción y se protege como dato personal.",
                                "La reintegración se planifica con la persona, no para ella.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "reception-and-reintegration",
                        "title": "Reception and reintegration in the country of origin",
                        "body": [
                            text(
                                "A return does not end on the plane or at the border post. For the person, it is the "
                                "start of rebuilding a life in the place they left, often for reasons that are still "
                                "there. How well they are received decides whether reintegration lasts, or whether "
                                "they will set out again under even more dangerous conditions.",
                            ),
                            heading("Coordinated reception"),
                            text(
                                "Countries of origin in the region run reception centres and protocols for returnees "
                                "that bring together the immigration, child protection, health and labour "
                                "authorities. When the returning and receiving countries coordinate in advance, the "
                                "arrival can be prepared: identity confirmed, medical needs known, family traced "
                                "and, for children, the child protection authority present at the handover.",
                            ),
                            heading("Three dimensions of reintegration"),
                            bullets(
                                "<b>Economic</b>: access to jobs, training, certification of skills gained abroad "
                                "and support for starting a business.",
                                "<b>Social</b>: documents, housing, schooling for children, health care and access "
                                "to public services.",
                                "<b>Psychosocial</b>: support in dealing with what happened during migration and "
                                "return, and prevention of stigma.",
                            ),
                            text(
                                "Some returnees face particular risks: victims of trafficking, people who fled gang "
                                "violence, or people deported after many years abroad. They should be referred to "
                                "protection services at once.",
                            ),
                            key_points(
                                "Remember",
                                "Information exchanged between countries is limited to what reception requires, and "
                                "is protected as personal data.",
                                "Reintegration is planned with the person, not for them.",
                            ),
                        ],
                    },
                },
            ],
        },
    ],
}

STATISTICS_COURSE = {
    "line": "information-exchange",
    "topics": ["migration-data", "border-management"],
    "network": None,
    "settings": {
        "modality": Modality.SELF_PACED,
        "level": Level.INTERMEDIATE,
        "estimated_hours": Decimal("4"),
        "enrolment_policy": EnrolmentPolicy.OPEN,
        "audience": Audience.EVERYONE,
        "seat_limit": None,
    },
    "es": {
        "slug": "estadisticas-migratorias-intercambio-informacion",
        "title": "Estadísticas migratorias para el intercambio de información",
        "summary": "Conceptos, fuentes y buenas prácticas para producir estadísticas migratorias comparables y "
                   "compartirlas entre los países de la CRM con calidad y protección de datos.",
        "description": (
            "<p>El intercambio de información entre los países miembros es una de las líneas del Plan de Acción de "
            "la CRM. Para que sea útil, las cifras deben medir lo mismo en todos los países, documentar sus límites "
            "y proteger los datos de las personas.</p>"
            "<p>Este curso breve y autoformativo presenta los conceptos básicos de la estadística migratoria "
            "internacional (flujos, stocks, residencia habitual), las fuentes administrativas que manejan las "
            "autoridades migratorias y las prácticas para armonizar, documentar y compartir los datos.</p>"
            "<p>Está dirigido al personal de las unidades de estadística, planificación y sistemas de información "
            "de las instituciones migratorias, y a quienes preparan los informes nacionales para la CRM.</p>"
        ),
        "learning_outcomes": outcomes(
            "Distinguir datos de flujo y de stock, y eventos de personas, al interpretar cifras migratorias.",
            "Aplicar las definiciones internacionales de migrante internacional de larga y de corta duración.",
            "Identificar las fortalezas y los límites de los registros administrativos migratorios.",
            "Preparar un cuadro estadístico armonizado, con sus metadatos, para el intercambio regional.",
            "Aplicar reglas de confidencialidad estadística y de protección de datos personales.",
        ),
    },
    "en": {
        "slug": "migration-statistics-for-information-exchange",
        "title": "Migration statistics for information exchange",
        "summary": "Concepts, sources and good practice for producing comparable migration statistics and sharing "
                   "them among CRM countries, with sound quality and data protection.",
        "description": (
            "<p>Information exchange among member states is one of the lines of the CRM Action Plan. To be useful, "
            "the figures have to measure the same thing in every country, state their limitations and protect "
            "people's data.</p>"
            "<p>This short self-paced course introduces the basic concepts of international migration statistics "
            "(flows, stocks, usual residence), the administrative sources that immigration authorities hold, and "
            "the practices for harmonising, documenting and sharing data.</p>"
            "<p>It is meant for staff of the statistics, planning and information systems units of immigration "
            "agencies, and for those who prepare national reports for the CRM.</p>"
        ),
        "learning_outcomes": outcomes(
            "Tell flows from stocks, and events from people, when reading migration figures.",
            "Apply the international definitions of long-term and short-term international migrants.",
            "Identify the strengths and limitations of administrative migration records.",
            "Prepare a harmonised statistical table, with its metadata, for regional exchange.",
            "Apply statistical confidentiality and personal data protection rules.",
        ),
    },
    "modules": [
        {
            "es": {
                "slug": "conceptos-y-fuentes",
                "title": "Conceptos y fuentes",
                "summary": "Qué se mide en estadística migratoria y de dónde provienen los datos.",
            },
            "en": {
                "slug": "concepts-and-sources",
                "title": "Concepts and sources",
                "summary": "What migration statistics measure and where the data come from.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "flujos-stocks-residencia",
                        "title": "Flujos, stocks y residencia habitual",
                        "body": [
                            text(
                                "La primera fuente de confusión en las cifras migratorias es no distinguir qué se "
                                "está midiendo. Dos países pueden publicar datos correctos que, sin embargo, no son "
                                "comparables porque responden a preguntas distintas.",
                            ),
                            heading("Flujos y stocks"),
                            text(
                                "Un <b>stock</b> es el número de personas migrantes presentes en un país en una fecha "
                                "determinada, por ejemplo el 30 de junio de un año. Un <b>flujo</b> es el número de "
                                "movimientos o de personas que llegan o salen durante un período, por ejemplo un año "
                                "calendario. El censo de población mide stocks; los registros de entradas y salidas "
                                "miden flujos.",
                            ),
                            heading("Eventos y personas"),
                            text(
                                "Los registros administrativos suelen contar eventos: cruces de frontera, visas "
                                "expedidas, detenciones, retornos. Una misma persona puede generar varios eventos en "
                                "un año. Sumar entradas no equivale a contar personas, y comparar los eventos de un "
                                "país con las personas de otro lleva a conclusiones erróneas.",
                            ),
                            heading("La definición internacional"),
                            text(
                                "Las Recomendaciones sobre estadísticas de las migraciones internacionales de las "
                                "Naciones Unidas (revisión 1, de 1998) definen a la persona migrante internacional "
                                "como aquella que cambia de país de residencia habitual. Distinguen la migración de "
                                "larga duración, de al menos doce meses, de la de corta duración, de tres a doce "
                                "meses, y excluyen los viajes por turismo, negocios, visitas familiares, tratamiento "
                                "médico o peregrinación. En 2021, la Comisión de Estadística de las Naciones Unidas "
                                "respaldó un marco conceptual revisado que mantiene la residencia habitual como "
                                "criterio central.",
                            ),
                            key_points(
                                "En sus cuadros",
                                "Indique siempre si la cifra es de flujo o de stock, y el período o la fecha de "
                                "referencia.",
                                "Aclare si cuenta eventos o personas.",
                                "Precise si clasifica por país de nacimiento o por nacionalidad.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "flows-stocks-and-usual-residence",
                        "title": "Flows, stocks and usual residence",
                        "body": [
                            text(
                                "The most common source of confusion in migration figures is not being clear about "
                                "what is being measured. Two countries can publish figures that are both correct "
                                "and still not comparable, because they answer different questions.",
                            ),
                            heading("Flows and stocks"),
                            text(
                                "A <b>stock</b> is the number of migrants present in a country on a given date, such "
                                "as 30 June of a given year. A <b>flow</b> is the number of movements, or of people, "
                                "arriving or leaving during a period, such as a calendar year. A population census "
                                "measures stocks; entry and exit records measure flows.",
                            ),
                            heading("Events and people"),
                            text(
                                "Administrative records usually count events: border crossings, visas issued, "
                                "apprehensions, returns. One person can account for several events in a year. Adding "
                                "up entries is not the same as counting people, and comparing one country's events "
                                "with another country's people leads to the wrong conclusions.",
                            ),
                            heading("The international definition"),
                            text(
                                "The United Nations Recommendations on Statistics of International Migration "
                                "(Revision 1, 1998) define an international migrant as a person who changes their "
                                "country of usual residence. They distinguish long-term migration, of at least "
                                "twelve months, from short-term migration, of three to twelve months, and leave out "
                                "trips for leisure, business, family visits, medical treatment or pilgrimage. In "
                                "2021 the UN Statistical Commission endorsed a revised conceptual framework that "
                                "keeps usual residence as the central criterion.",
                            ),
                            key_points(
                                "In your tables",
                                "Always state whether a figure is a flow or a stock, and its reference period or "
                                "date.",
                                "Say whether you are counting events or people.",
                                "Specify whether you classify by country of birth or by citizenship.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "registros-administrativos",
                        "title": "Registros administrativos: fortalezas y límites",
                        "body": [
                            text(
                                "Las instituciones migratorias producen, como parte de su trabajo diario, una gran "
                                "cantidad de datos: registros de entradas y salidas, permisos de residencia y de "
                                "trabajo, visas, solicitudes de refugio, detenciones y retornos. Estos registros "
                                "administrativos son la fuente más oportuna y detallada de información migratoria, "
                                "pero no se diseñaron con fines estadísticos.",
                            ),
                            heading("Fortalezas"),
                            bullets(
                                "Cobertura completa de los trámites que registran, sin error de muestreo.",
                                "Disponibilidad continua, a menudo mensual o incluso diaria.",
                                "Poco costo adicional: el dato ya existe.",
                            ),
                            heading("Límites frecuentes"),
                            bullets(
                                "Solo recogen lo que pasa por un trámite: la migración irregular que no entra en "
                                "contacto con la autoridad queda fuera.",
                                "Los cambios de normativa, de sistemas o de procedimientos alteran las series sin que "
                                "cambie el fenómeno.",
                                "Duplicados, campos vacíos y códigos distintos entre puestos fronterizos.",
                                "Definiciones propias de cada país: lo que uno llama «rechazo», otro lo llama "
                                "«inadmisión» o «devolución».",
                            ),
                            heading("Complementar las fuentes"),
                            text(
                                "Los censos y las encuestas de hogares aportan datos de stock y características "
                                "sociodemográficas que los registros no tienen; los registros aportan frecuencia y "
                                "detalle. Una unidad de estadística migratoria madura combina ambas fuentes y "
                                "documenta en qué difieren sus cifras y por qué.",
                            ),
                            note(
                                "Ejemplo",
                                "Un aumento de las detenciones en un trimestre puede reflejar que hay más personas "
                                "en tránsito, pero también más operativos o un nuevo puesto de control. Sin "
                                "metadatos que expliquen estos cambios, la cifra se presta a lecturas equivocadas.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "administrative-records",
                        "title": "Administrative records: strengths and limitations",
                        "body": [
                            text(
                                "Immigration agencies generate large amounts of data in their daily work: entry and "
                                "exit records, residence and work permits, visas, asylum applications, apprehensions "
                                "and returns. These administrative records are the most timely and detailed source "
                                "of migration information, but they were not designed for statistics.",
                            ),
                            heading("Strengths"),
                            bullets(
                                "Full coverage of the procedures they record, with no sampling error.",
                                "Continuous availability, often monthly or even daily.",
                                "Little extra cost: the data already exist.",
                            ),
                            heading("Common limitations"),
                            bullets(
                                "They only capture what goes through a procedure: irregular migration that never "
                                "comes into contact with the authorities is missing.",
                                "Changes in rules, systems or procedures shift the series even when the underlying "
                                "phenomenon has not changed.",
                                "Duplicates, empty fields and codes that differ from one border post to another.",
                                "Country-specific definitions: what one country calls a “refusal”, another calls an "
                                "“inadmissibility” or a “turn-back”.",
                            ),
                            heading("Combining sources"),
                            text(
                                "Censuses and household surveys provide stock figures and the socio-demographic "
                                "characteristics that records lack; records provide frequency and detail. A mature "
                                "migration statistics unit uses both, and documents how and why their figures "
                                "differ.",
                            ),
                            note(
                                "Example",
                                "A rise in apprehensions over a quarter may mean more people in transit, but it may "
                                "also reflect more enforcement operations or a new checkpoint. Without metadata "
                                "explaining such changes, the figure is easily misread.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "intercambio-de-informacion",
                "title": "Intercambio de información entre los países de la CRM",
                "summary": "Cómo armonizar, documentar y proteger los datos que se comparten en la región.",
            },
            "en": {
                "slug": "information-exchange",
                "title": "Information exchange among CRM countries",
                "summary": "How to harmonise, document and protect the data shared in the region.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "armonizar-variables",
                        "title": "Armonizar variables, clasificaciones y metadatos",
                        "body": [
                            text(
                                "Para que las cifras de un país puedan sumarse o compararse con las de otro, deben "
                                "construirse con las mismas reglas. Armonizar no exige que todos los países tengan "
                                "sistemas idénticos: basta con acordar un conjunto mínimo de variables y "
                                "clasificaciones, y documentar cómo llega cada país a ellas.",
                            ),
                            heading("Un conjunto mínimo de variables"),
                            bullets(
                                "País de nacionalidad y, cuando exista, país de nacimiento, con los códigos de la "
                                "norma ISO 3166.",
                                "Sexo, y edad en grupos quinquenales con una categoría separada para las personas "
                                "menores de 18 años.",
                                "Tipo de evento (entrada, salida, detención, retorno, solicitud de refugio), con "
                                "definiciones escritas.",
                                "Período de referencia, con fechas de corte comunes (por ejemplo, el mes "
                                "calendario).",
                                "Punto de registro: aeropuerto, puesto terrestre o puerto.",
                            ),
                            heading("Los metadatos"),
                            text(
                                "Cada cuadro que se comparte debe ir acompañado de una ficha que explique la fuente, "
                                "la cobertura, las definiciones, los cambios metodológicos y las revisiones de cifras "
                                "anteriores. Sin esa ficha, quien recibe los datos no puede interpretarlos "
                                "correctamente.",
                                "La desagregación por sexo y edad no es un detalle técnico: sin ella no es posible "
                                "conocer la situación de las mujeres ni de la niñez migrante, prioridades de la CRM. "
                                "El Pacto Mundial para la Migración Segura, Ordenada y Regular también dedica su "
                                "primer objetivo a recopilar y utilizar datos exactos y desglosados.",
                            ),
                            key_points(
                                "Lista de verificación",
                                "¿Las definiciones están escritas y se envían con el cuadro?",
                                "¿Se usa la misma fecha de corte que los demás países?",
                                "¿Se señalan las cifras preliminares y las revisadas?",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "harmonising-variables",
                        "title": "Harmonising variables, classifications and metadata",
                        "body": [
                            text(
                                "For one country's figures to be added to or compared with another's, they must be "
                                "built with the same rules. Harmonisation does not require every country to run the "
                                "same system: it is enough to agree on a minimum set of variables and "
                                "classifications, and to document how each country arrives at them.",
                            ),
                            heading("A minimum set of variables"),
                            bullets(
                                "Country of citizenship and, where available, country of birth, using ISO 3166 "
                                "codes.",
                                "Sex, and age in five-year groups with a separate category for people under 18.",
                                "Type of event (entry, exit, apprehension, return, asylum application), with written "
                                "definitions.",
                                "Reference period, with common cut-off dates (for instance, the calendar month).",
                                "Place of registration: airport, land border post or seaport.",
                            ),
                            heading("Metadata"),
                            text(
                                "Every table that is shared should come with a note explaining the source, coverage, "
                                "definitions, methodological changes and revisions to earlier figures. Without it, "
                                "the recipient cannot read the data correctly.",
                                "Breaking data down by sex and age is not a technicality: without it, nobody can see "
                                "the situation of migrant women or migrant children, both CRM priorities. The Global "
                                "Compact for Safe, Orderly and Regular Migration also devotes its first objective to "
                                "collecting and using accurate and disaggregated data.",
                            ),
                            key_points(
                                "Checklist",
                                "Are the definitions written down and sent with the table?",
                                "Is the cut-off date the same as the other countries'?",
                                "Are preliminary and revised figures flagged?",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "confidencialidad-proteccion-datos",
                        "title": "Confidencialidad y protección de datos personales",
                        "body": [
                            text(
                                "El intercambio de información estadística entre los países de la CRM se hace con "
                                "datos agregados: cuadros con totales, no registros de personas. Esta regla protege a "
                                "las personas migrantes y da confianza a las instituciones que comparten sus datos.",
                            ),
                            heading("Principios del intercambio"),
                            bullets(
                                "<b>Finalidad</b>: los datos reunidos con fines estadísticos no se usan para tomar "
                                "decisiones sobre personas concretas.",
                                "<b>Minimización</b>: se comparte solo lo necesario para el análisis acordado.",
                                "<b>Confidencialidad estadística</b>: ninguna cifra difundida debe permitir "
                                "identificar a una persona.",
                                "<b>Base jurídica</b>: el intercambio se apoya en la legislación nacional y en "
                                "acuerdos que definen usos, plazos y responsables.",
                            ),
                            heading("Las celdas pequeñas"),
                            text(
                                "Un cuadro que muestra «1 niña de 14 años, de nacionalidad X, retornada por el "
                                "puesto Y en marzo» puede identificar a esa niña. Antes de compartir, revise las "
                                "celdas con valores bajos (por ejemplo, menos de 5) y agrúpelas, suprímalas o "
                                "redondee los valores, y explique el método en los metadatos.",
                                "Los Principios Fundamentales de las Estadísticas Oficiales de las Naciones Unidas "
                                "recogen esta regla: los datos individuales reunidos con fines estadísticos son "
                                "estrictamente confidenciales y se usan exclusivamente con esos fines.",
                            ),
                            warning(
                                "Datos de personas",
                                "El intercambio de datos de personas concretas, por ejemplo para verificar su "
                                "identidad en un retorno, es una actividad operativa distinta, con su propia base "
                                "legal. Nunca se canaliza por los mecanismos de intercambio estadístico.",
                            ),
                        ],
                    },
                    "en": {
                        "slug": "confidentiality-and-data-protection",
                        "title": "Confidentiality and personal data protection",
                        "body": [
                            text(
                                "Statistical information exchanged among CRM countries is aggregated: tables of "
                                "totals, never records about individuals. This rule protects migrants and gives the "
                                "agencies that share their data confidence in the exchange.",
                            ),
                            heading("Principles of the exchange"),
                            bullets(
                                "<b>Purpose</b>: data collected for statistics are not used to take decisions about "
                                "particular people.",
                                "<b>Minimisation</b>: share only what the agreed analysis needs.",
                                "<b>Statistical confidentiality</b>: no published figure may allow a person to be "
                                "identified.",
                                "<b>Legal basis</b>: the exchange rests on national law and on agreements setting "
                                "out uses, time limits and responsibilities.",
                            ),
                            heading("Small cells"),
                            text(
                                "A table showing “1 girl aged 14, nationality X, returned through post Y in March” "
                                "can identify that girl. Before sharing, check cells with low values (for example, "
                                "below 5) and combine them, suppress them or round the values, explaining the method "
                                "in the metadata.",
                                "The UN Fundamental Principles of Official Statistics set out the rule: individual "
                                "data collected for statistical purposes are strictly confidential and are to be "
                                "used exclusively for statistical purposes.",
                            ),
                            warning(
                                "Data about individuals",
                                "Exchanging data about particular people, for instance to verify someone's identity "
                                "before a return, is a separate operational activity with its own legal basis. It "
                                "never goes through the statistical exchange channels.",
                            ),
                        ],
                    },
                },
            ],
        },
    ],
}

# Only members of the consular protection network (plus its trainers and the Secretariat) can see it.
CONSULAR_NETWORK_COURSE = {
    "line": "training",
    "topics": ["consular-protection", "migrant-children", "trafficking-in-persons"],
    "network": "consular-protection",
    "settings": {
        "modality": Modality.INSTRUCTOR_LED,
        "level": Level.ADVANCED,
        "estimated_hours": Decimal("6"),
        "enrolment_policy": EnrolmentPolicy.INVITATION,
        "audience": Audience.NETWORK,
        "seat_limit": 25,
    },
    "es": {
        "slug": "red-proteccion-consular-casos-complejos",
        "title": "Coordinación de la Red de Protección Consular: casos complejos",
        "summary": "Taller para integrantes de la Red de Protección Consular: coordinación entre varios países en "
                   "desapariciones, fallecimientos, niñez no acompañada y víctimas de delitos graves.",
        "description": (
            "<p>Algunos casos no pueden resolverse desde un solo consulado: una persona desaparecida en la ruta "
            "entre Centroamérica y América del Norte, un grupo de niñas y niños no acompañados de varias "
            "nacionalidades, una víctima de trata captada en un país y explotada en otro.</p>"
            "<p>Este taller, reservado a integrantes de la Red de Protección Consular y con inscripción por "
            "invitación, trabaja sobre casos simulados a partir de situaciones frecuentes en la región. Las sesiones "
            "en línea con la formadora se completan con ejercicios de coordinación entre participantes de distintos "
            "países.</p>"
        ),
        "learning_outcomes": outcomes(
            "Organizar un caso en el que intervienen consulados de varios países, con un responsable y un "
            "expediente común.",
            "Coordinar la búsqueda de personas migrantes desaparecidas y la identificación de personas fallecidas.",
            "Aplicar el interés superior de la niñez en la coordinación consular de casos de niñas, niños y "
            "adolescentes no acompañados.",
            "Acompañar a víctimas de trata y de delitos graves en los procedimientos del país donde ocurrieron los "
            "hechos.",
        ),
    },
    "modules": [
        {
            "es": {
                "slug": "gestion-casos-multipais",
                "title": "Gestión de casos entre varios países",
                "summary": "Roles, expediente común y búsqueda de personas desaparecidas.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "ruta-coordinacion",
                        "title": "La ruta de coordinación de un caso complejo",
                        "body": [
                            text(
                                "Un caso complejo es el que exige la intervención coordinada de consulados de dos o "
                                "más países, o de varias instituciones de un mismo país, para proteger a una "
                                "persona. Sin reglas claras, estos casos se diluyen: cada consulado supone que otro "
                                "está actuando y la familia recibe información contradictoria.",
                            ),
                            heading("Cinco pasos"),
                            bullets(
                                "<b>Registro y consentimiento.</b> El consulado que recibe el caso lo registra y "
                                "obtiene el consentimiento de la persona o de su familia para compartir su "
                                "información con otros consulados de la Red.",
                                "<b>Designación de un responsable.</b> Se acuerda qué consulado coordina; en general, "
                                "el del país de nacionalidad de la persona en el país donde se encuentra.",
                                "<b>Expediente común.</b> Los consulados que intervienen comparten un resumen del "
                                "caso con las gestiones hechas y las pendientes.",
                                "<b>Seguimiento.</b> Se acuerdan reuniones periódicas y el responsable documenta los "
                                "acuerdos.",
                                "<b>Cierre.</b> El caso se cierra con un informe a la familia y a la Red, y con las "
                                "lecciones aprendidas.",
                                ordered=True,
                            ),
                            heading("La comunicación con la familia"),
                            text(
                                "La familia debe tener una sola persona de contacto, que le informe con regularidad "
                                "y con franqueza, incluso cuando no hay avances. Los mensajes contradictorios entre "
                                "consulados dañan la confianza y pueden poner en riesgo a la persona protegida.",
                            ),
                            note(
                                "Protección de datos",
                                "Comparta solo la información necesaria para la gestión y por los canales seguros "
                                "acordados por la Red. Nunca use grupos de mensajería abiertos para datos de "
                                "personas.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "desaparecidas-fallecidas",
                        "title": "Personas migrantes desaparecidas y fallecidas",
                        "body": [
                            text(
                                "La desaparición de una persona en la ruta migratoria es uno de los casos más "
                                "difíciles para la red consular. La familia suele reportarla semanas después del "
                                "último contacto, desde otro país, con información incompleta y, a menudo, con miedo "
                                "de acudir a las autoridades.",
                            ),
                            heading("La búsqueda"),
                            bullets(
                                "Registre de inmediato el reporte con todos los datos disponibles: fecha y lugar del "
                                "último contacto, ruta prevista, acompañantes, señas particulares, fotografías.",
                                "Con autorización de la familia, consulte a los consulados de los países de la ruta, "
                                "a las autoridades migratorias (registros de detención y de retorno), a hospitales y "
                                "a albergues.",
                                "Oriente a la familia sobre los mecanismos nacionales de búsqueda y las "
                                "organizaciones que apoyan a familias de personas migrantes desaparecidas, incluido "
                                "el servicio de restablecimiento del contacto entre familiares de la Cruz Roja.",
                            ),
                            heading("La identificación forense"),
                            text(
                                "Cuando se hallan restos que podrían corresponder a personas migrantes, la "
                                "identificación depende de cruzar la información forense con los datos que aportan "
                                "las familias: perfiles genéticos, datos ante mortem, objetos personales. Los bancos "
                                "forenses y los acuerdos de intercambio de información entre fiscalías y servicios "
                                "médico-forenses de distintos países han permitido identificar a muchas personas en "
                                "la región.",
                                "El consulado acompaña a la familia en la toma de muestras, en la notificación de la "
                                "identificación y en la repatriación de los restos o en la alternativa que la familia "
                                "elija.",
                            ),
                            key_points(
                                "Principios",
                                "Trato digno a la persona fallecida y a su familia en cada etapa.",
                                "Ninguna búsqueda se cierra sin informar a la familia.",
                            ),
                        ],
                    },
                },
            ],
        },
        {
            "es": {
                "slug": "ninez-y-victimas",
                "title": "Niñez no acompañada y víctimas de delitos",
                "summary": "La coordinación consular en los casos de mayor vulnerabilidad.",
            },
            "lessons": [
                {
                    "es": {
                        "slug": "ninez-no-acompanada",
                        "title": "Niñas, niños y adolescentes no acompañados",
                        "body": [
                            text(
                                "Cuando se detecta a una niña, un niño o un adolescente no acompañado en un país de "
                                "tránsito o de destino, intervienen al menos tres actores: la autoridad de protección "
                                "de la niñez del país donde se encuentra, su consulado y la autoridad de protección "
                                "de su país de origen. La Red facilita que esa coordinación sea rápida y esté "
                                "centrada en la persona.",
                            ),
                            heading("El papel del consulado"),
                            bullets(
                                "Entrevistarse con la niña o el niño en un entorno adecuado, con personal capacitado "
                                "y en presencia de la autoridad de protección.",
                                "Verificar su identidad y nacionalidad, y expedir documentos si hace falta.",
                                "Localizar a su familia y aportar información para evaluar su situación en el país "
                                "de origen.",
                                "Vigilar que no permanezca detenido y que tenga alojamiento adecuado, salud y "
                                "educación.",
                            ),
                            heading("Antes de cualquier retorno"),
                            text(
                                "El consulado contribuye a la determinación del interés superior, pero no la "
                                "sustituye. El retorno solo procede si esa determinación lo recomienda, si la familia "
                                "o una institución de protección está preparada para recibir a la niña o el niño y si "
                                "no hay riesgo de persecución, violencia o trata. Si expresa temor de regresar o "
                                "puede necesitar protección internacional, el consulado se abstiene de intervenir "
                                "sin su consentimiento y el caso pasa a la autoridad de asilo.",
                            ),
                            key_points(
                                "Coordinación en la Red",
                                "Si la niña o el niño viaja con hermanos u otras personas menores de edad de otra "
                                "nacionalidad, coordine con los consulados correspondientes para evitar separaciones "
                                "y decisiones contradictorias.",
                                "Comparta los datos de la familia localizada solo con las autoridades de protección.",
                            ),
                        ],
                    },
                },
                {
                    "es": {
                        "slug": "victimas-trata-delitos",
                        "title": "Víctimas de trata y de delitos graves",
                        "body": [
                            text(
                                "Las personas migrantes son víctimas frecuentes de secuestro, extorsión, violencia "
                                "sexual y trata en las rutas de la región. Para una persona extranjera, denunciar y "
                                "sostener un proceso penal en otro país es muy difícil sin apoyo consular.",
                            ),
                            heading("El acompañamiento consular"),
                            bullets(
                                "Informar a la víctima, en su idioma, de sus derechos como víctima en el país donde "
                                "se encuentra: asistencia, protección, reparación y, en muchos países, la posibilidad "
                                "de obtener un permiso de permanencia.",
                                "Facilitar la presentación de la denuncia y el acceso a asesoría jurídica.",
                                "Coordinar con las instituciones de atención a víctimas del país receptor y, cuando "
                                "exista, con la unidad de atención a víctimas de la fiscalía.",
                                "Acompañar las diligencias en que la víctima lo pida y dar seguimiento al proceso.",
                            ),
                            heading("La coordinación entre países"),
                            text(
                                "En los casos de trata, la captación suele ocurrir en un país y la explotación en "
                                "otro. La coordinación entre consulados permite que la víctima declare una sola vez, "
                                "a distancia cuando la ley lo permite, y que la investigación avance en ambos países. "
                                "Si la víctima decide regresar, el retorno se organiza teniendo debidamente en cuenta "
                                "su seguridad y el estado de los procedimientos judiciales y, preferentemente, de "
                                "forma voluntaria, como prevé el artículo 8 del Protocolo de Palermo.",
                            ),
                            warning(
                                "Nunca",
                                "Condicione la asistencia consular a que la víctima denuncie o colabore con la "
                                "investigación. La protección se le brinda por su condición de víctima.",
                            ),
                        ],
                    },
                },
            ],
        },
    ],
}

COURSES = [TRAFFICKING_COURSE, CONSULAR_COURSE, RETURN_COURSE, STATISTICS_COURSE, CONSULAR_NETWORK_COURSE]


# --- Writing the pages -----------------------------------------------------------------------------------------------

def seed_courses(stdout) -> None:
    """Create, or bring up to date, the three catalogues and the demo courses; write one summary line."""
    tally = Counter()
    english = Locale.objects.get(language_code="en")
    catalog = _child(HomePage.objects.get(locale__language_code="es"), CatalogPage, CATALOG["es"], tally)
    for code in ("en", "fr"):
        _translation(catalog, Locale.objects.get(language_code=code), CATALOG[code], tally)
    trainer = User.objects.get(email=TRAINER_EMAIL)
    for data in COURSES:
        _seed_course(catalog, data, trainer, english, tally)

    modules = [module for course in COURSES for module in course["modules"]]
    lessons = sum(len(module["lessons"]) for module in modules)
    in_english = sum(1 for course in COURSES if "en" in course)
    stdout.write(f"Course catalogue in es, en, fr: {len(COURSES)} courses ({in_english} also in English), "
                 f"{len(modules)} modules, {lessons} lessons; {tally['created']} pages created, "
                 f"{tally['updated']} updated.")


def _seed_course(catalog: CatalogPage, data: dict, trainer: User, english: Locale, tally: Counter) -> None:
    """One course with its modules and lessons, in Spanish and, if the data has it, in English."""
    shared = {  # the same in every language version
        **data["settings"],
        "action_plan_line": ActionPlanLine.objects.get(slug=data["line"]),
        "topics": [Topic.objects.get(slug=slug) for slug in data["topics"]],
        "audience_network": Network.objects.get(slug=data["network"]) if data["network"] else None,
        "trainers": [trainer],
    }
    translated = "en" in data
    course = _child(catalog, CoursePage, {**data["es"], **shared}, tally)
    if translated:
        _translation(course, english, {**data["en"], **shared}, tally)
    for module_data in data["modules"]:
        module = _child(course, ModulePage, module_data["es"], tally)
        if translated:
            _translation(module, english, module_data["en"], tally)
        for lesson_data in module_data["lessons"]:
            lesson = _child(module, LessonPage, lesson_data["es"], tally)
            if translated:
                _translation(lesson, english, lesson_data["en"], tally)


def _child(parent: Page, model: type[Page], fields: dict, tally: Counter) -> Page:
    """The child of `parent` with slug fields["slug"], created if missing, published with `fields`."""
    page = Page.objects.child_of(parent).filter(slug=fields["slug"]).first()
    if page is None:
        page = model(live=False, **{name: value for name, value in fields.items() if not _is_m2m(model, name)})
        parent.add_child(instance=page)
        tally["created"] += 1
        return _publish(page, fields)
    page = page.specific
    if not isinstance(page, model):
        raise TypeError(f"{page.url_path} is a {type(page).__name__}, expected a {model.__name__}.")
    return _publish_if_changed(page, fields, tally)


def _translation(source: Page, locale: Locale, fields: dict, tally: Counter) -> Page:
    """The translation of `source` into `locale` (same translation key), created if missing, published with
    `fields`. The translated parent must exist already."""
    page = source.get_translation_or_none(locale)
    if page is None:
        # copy_for_translation copies the object it is called on, so set the translated values on a fresh copy of
        # the source first: the draft translation then starts with its own slug (changing a page's slug later
        # makes Wagtail create redirects from the old URLs).
        template = type(source).objects.get(pk=source.pk)
        _set_fields(template, {name: value for name, value in fields.items() if not _is_m2m(type(source), name)})
        page = template.copy_for_translation(locale)  # a draft under the parent's translation
        tally["created"] += 1
        return _publish(page.specific, fields)
    return _publish_if_changed(page.specific, fields, tally)


def _publish_if_changed(page: Page, fields: dict, tally: Counter) -> Page:
    if page.live and not page.has_unpublished_changes and not _differs(page, fields):
        return page
    tally["updated"] += 1
    return _publish(page, fields)


def _publish(page: Page, fields: dict) -> Page:
    """Set `fields` on `page`, save a revision and publish it; return the page as stored."""
    _set_fields(page, fields)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def _set_fields(page: Page, fields: dict) -> None:
    for name, value in fields.items():
        if _is_m2m(type(page), name):
            getattr(page, name).set(value)
        else:
            setattr(page, name, value)


def _differs(page: Page, fields: dict) -> bool:
    """Whether any of `fields` differs from the page's current (published) value."""
    for name, value in fields.items():
        field = page._meta.get_field(name)
        if field.many_to_many:
            current, wanted = {obj.pk for obj in getattr(page, name).all()}, {obj.pk for obj in value}
        elif isinstance(field, StreamField):
            current, wanted = _stream_data(field, getattr(page, name)), _stream_data(field, value)
        elif field.is_relation:
            current, wanted = getattr(page, field.attname), value.pk if value is not None else None
        else:
            current, wanted = getattr(page, name), value
        if current != wanted:
            return True
    return False


def _stream_data(field: StreamField, value) -> list:
    """A StreamField value (stored, or a list of (block type, value) tuples) as comparable JSON-like data."""
    if not isinstance(value, StreamValue):
        value = field.to_python(value)
    return [(block["type"], block["value"]) for block in value.get_prep_value()]


def _is_m2m(model: type[Page], name: str) -> bool:
    return model._meta.get_field(name).many_to_many

// The workflow bundle's entry point: every workflow type the worker runs.
export { reservation, reservationV2 } from './reservation';
export { thursdayProcessing } from './thursday-processing';
export { pullingStandIn } from './pulling-stand-in';
export { noticeResend } from './notice-resend';
